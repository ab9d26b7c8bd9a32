namespace ScenarioEngine.Runtime.Engine;

/// <summary>
/// A pulse for a loop that polls a queue: <see cref="Next"/> completes at the next <see cref="Pulse"/>. The loop takes
/// <see cref="Next"/> before it polls and waits on it beside its idle delay, so a pulse that comes while it polls is not missed.
/// </summary>
public sealed class QueueSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task that completes at the next <see cref="Pulse"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Completes <see cref="Next"/>; the next one waits for the next pulse.</summary>
    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
