using System.Text.Json.Serialization;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Journeys.Json;

namespace ScenarioEngine.Journeys;

/// <summary>One wait point's batch of effects to record (steps entered, decisions, profile updates, held-out sends, conversion, exit).</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="InstanceId">The instance.</param>
/// <param name="JourneyId">The journey.</param>
/// <param name="Version">The journey version.</param>
/// <param name="Batch">The batch number within the instance (1, 2, ...): with the instance id, the idempotency key of the write.</param>
/// <param name="At">The orchestration time of the step that produced the effects.</param>
/// <param name="Effects">The effects, in the order the machine produced them.</param>
public sealed record JourneyRecord(
    string CustomerId,
    string InstanceId,
    string JourneyId,
    int Version,
    int Batch,
    DateTimeOffset At,
    [property: JsonConverter(typeof(CoreJsonConverter<IReadOnlyList<Effect>>))] IReadOnlyList<Effect> Effects)
{
    /// <summary>The instance's state after the step (what "why" and the statistics read); null only in batches made without it.</summary>
    [JsonConverter(typeof(CoreJsonConverter<JourneyInstance>))]
    public JourneyInstance? Instance { get; init; }

    /// <summary>True when the batch updates the customer's profile.</summary>
    [JsonIgnore]
    public bool UpdatesProfile => Effects.Any(e => e is ProfileUpdated);
}
