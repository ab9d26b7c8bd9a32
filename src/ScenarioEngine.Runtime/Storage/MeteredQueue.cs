using System.Diagnostics;

namespace ScenarioEngine.Runtime.Storage;

/// <summary>Counts and times the engine's queue calls on the ScenarioEngine meter (scenarioengine.storage.*), then passes them on.</summary>
internal sealed class MeteredQueue(IQueue inner) : IQueue
{
    public string Name => inner.Name;

    // Arguments are evaluated in order: the timestamp is taken before the call starts.
    public Task CreateAsync(CancellationToken cancellationToken = default) =>
        MeteredCall.Run("queue.create", Stopwatch.GetTimestamp(), inner.CreateAsync(cancellationToken));

    public Task SendAsync(string text, TimeSpan? delay = null, CancellationToken cancellationToken = default) =>
        MeteredCall.Run("queue.send", Stopwatch.GetTimestamp(), inner.SendAsync(text, delay, cancellationToken));

    public Task<IReadOnlyList<QueueItem>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken = default) =>
        MeteredCall.Run("queue.receive", Stopwatch.GetTimestamp(), inner.ReceiveAsync(max, visibility, cancellationToken));

    public Task DeleteAsync(QueueItem item, CancellationToken cancellationToken = default) =>
        MeteredCall.Run("queue.delete", Stopwatch.GetTimestamp(), inner.DeleteAsync(item, cancellationToken));

    public Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        MeteredCall.Run("queue.count", Stopwatch.GetTimestamp(), inner.CountAsync(cancellationToken));
}
