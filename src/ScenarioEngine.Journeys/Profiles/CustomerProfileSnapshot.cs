using System.Text.Json.Serialization;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Json;

namespace ScenarioEngine.Journeys.Profiles;

/// <summary>The result of <see cref="ProfileActivity"/>: the customer's profile as read.</summary>
/// <param name="Profile">The profile.</param>
public sealed record CustomerProfileSnapshot([property: JsonConverter(typeof(CoreJsonConverter<CustomerProfile>))] CustomerProfile Profile);
