using System.Text.Json.Serialization;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Journeys.Json;

namespace ScenarioEngine.Journeys;

/// <summary>What an instance carries into its next execution when it continues as new (its history is then cut).</summary>
/// <param name="Instance">The journey instance's state.</param>
/// <param name="Batches">How many record batches were written so far (record batch numbers stay unique per instance).</param>
/// <param name="Generation">How many times the instance has continued as new.</param>
public sealed record JourneyProgress(
    [property: JsonConverter(typeof(CoreJsonConverter<JourneyInstance>))] JourneyInstance Instance,
    int Batches,
    int Generation)
{
    /// <summary>The ids of the latest events the instance handled (at most <see cref="JourneyOrchestrator.MaxSeenEvents"/>).</summary>
    public IReadOnlyList<string>? SeenEvents { get; init; }
}
