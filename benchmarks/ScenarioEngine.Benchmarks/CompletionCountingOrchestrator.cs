using Microsoft.DurableTask;

namespace ScenarioEngine.Benchmarks;

/// <summary>
/// An orchestrator as registered, counted in <see cref="JourneyCompletions"/> when one of its executions starts and each time one returns outside a replay
/// (the execution the backend then records as completed): the load driver waits for every journey this way, without a storage request.
/// </summary>
internal sealed class CompletionCountingOrchestrator(ITaskOrchestrator inner, JourneyCompletions completions) : ITaskOrchestrator
{
    public Type InputType => inner.InputType;

    public Type OutputType => inner.OutputType;

    public async Task<object?> RunAsync(TaskOrchestrationContext context, object? input)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsReplaying)
        {
            // An execution's first episode runs without a replay: the instance has just started.
            completions.OrchestrationStarted();
        }

        var output = await inner.RunAsync(context, input).ConfigureAwait(true);
        if (!context.IsReplaying)
        {
            completions.OrchestrationCompleted();
        }

        return output;
    }
}
