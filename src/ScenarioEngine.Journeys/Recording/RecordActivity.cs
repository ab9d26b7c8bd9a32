using Microsoft.DurableTask;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Journeys.Recording;

/// <summary>Records one wait point's batch of effects (the orchestrator calls it only when the batch has no send to ride on).</summary>
[DurableTask(Name)]
public sealed class RecordActivity(IJourneyRecorder recorder) : TaskActivity<JourneyRecord, int>
{
    /// <summary>The activity name.</summary>
    public const string Name = "journey-record";

    /// <inheritdoc />
    public override async Task<int> RunAsync(TaskActivityContext context, JourneyRecord input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await recorder.RecordAsync(input).ConfigureAwait(false);
        return input.Effects.Count;
    }
}
