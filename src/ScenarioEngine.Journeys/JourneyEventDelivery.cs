using System.Text.Json.Serialization;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Json;

namespace ScenarioEngine.Journeys;

/// <summary>The payload of <see cref="JourneyEvents.Name"/>: a customer's event and the profile as its ingest left it.</summary>
/// <param name="Event">The event.</param>
/// <param name="Profile">The customer's profile after the event was applied to it.</param>
public sealed record JourneyEventDelivery(
    [property: JsonConverter(typeof(CoreJsonConverter<CustomerEvent>))] CustomerEvent Event,
    [property: JsonConverter(typeof(CoreJsonConverter<CustomerProfile>))] CustomerProfile Profile);
