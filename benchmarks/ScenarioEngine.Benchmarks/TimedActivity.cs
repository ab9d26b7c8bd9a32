using System.Diagnostics;
using Microsoft.DurableTask;
using ScenarioEngine.Journeys;

namespace ScenarioEngine.Benchmarks;

/// <summary>
/// An activity as registered, whose runs are timed in <see cref="JourneyCompletions"/> (start and end, under the activity's name and,
/// for a send, the step it sends): where a journey's time goes between its orchestration's episodes.
/// </summary>
internal sealed class TimedActivity(string name, ITaskActivity inner, JourneyCompletions completions) : ITaskActivity
{
    public Type InputType => inner.InputType;

    public Type OutputType => inner.OutputType;

    public async Task<object?> RunAsync(TaskActivityContext context, object? input)
    {
        var started = Stopwatch.GetTimestamp();
        var output = await inner.RunAsync(context, input).ConfigureAwait(false);
        completions.ActivityRan(input is SendCommand send ? $"{name} {send.StepId}" : name, started, Stopwatch.GetTimestamp());
        return output;
    }
}
