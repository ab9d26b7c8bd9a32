using System.Text.Json.Serialization;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Json;

namespace ScenarioEngine.Journeys;

/// <summary>
/// The input of one journey orchestration: the customer, the journey at the version the customer entered (pinned for the
/// instance's whole life), the entry (what makes the instance id unique), the triggering event and the customer's profile as the
/// event's ingest left it. <see cref="Progress"/> is set only when the instance continues as new.
/// </summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="JourneyId">The journey id.</param>
/// <param name="Version">The published journey version the customer entered (1 or more).</param>
/// <param name="EntryId">What distinguishes this entry from the customer's other entries of the journey (the triggering event's id, or the due date of a date trigger).</param>
/// <param name="Trigger">The event that started the instance, if any.</param>
/// <param name="Profile">The customer's profile when the instance starts (or continues).</param>
public sealed record JourneyStart(
    string CustomerId,
    string JourneyId,
    int Version,
    string EntryId,
    [property: JsonConverter(typeof(CoreJsonConverter<CustomerEvent>))] CustomerEvent? Trigger,
    [property: JsonConverter(typeof(CoreJsonConverter<CustomerProfile>))] CustomerProfile Profile)
{
    /// <summary>The state carried over by ContinueAsNew; null on the first execution.</summary>
    public JourneyProgress? Progress { get; init; }

    /// <summary>The deterministic instance id of this entry.</summary>
    public string InstanceId => JourneyInstanceId.For(CustomerId, JourneyId, EntryId);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that is missing or out of range.</summary>
    public void Validate()
    {
        Require(CustomerId, nameof(CustomerId));
        Require(JourneyId, nameof(JourneyId));
        Require(EntryId, nameof(EntryId));
        if (Version < 1)
        {
            throw new ArgumentException($"JourneyStart.{nameof(Version)} must be a published version (1 or more), got {Version}.", nameof(Version));
        }

        if (Profile is null)
        {
            throw new ArgumentException($"JourneyStart.{nameof(Profile)} is required (the customer's profile).", nameof(Profile));
        }

        if (!string.Equals(Profile.CustomerId, CustomerId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"JourneyStart.{nameof(Profile)} belongs to customer '{Profile.CustomerId}', expected '{CustomerId}'.", nameof(Profile));
        }

        if (Trigger is not null && !string.Equals(Trigger.CustomerId, CustomerId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"JourneyStart.{nameof(Trigger)} belongs to customer '{Trigger.CustomerId}', expected '{CustomerId}'.", nameof(Trigger));
        }
    }

    private static void Require(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"JourneyStart.{field} is required (a non-empty string).", field);
        }
    }
}
