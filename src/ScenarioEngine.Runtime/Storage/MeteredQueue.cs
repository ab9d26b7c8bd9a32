using System.Diagnostics;
using ScenarioEngine.Runtime.Diagnostics;

namespace ScenarioEngine.Runtime.Storage;

/// <summary>Counts and times the engine's queue calls on <see cref="EngineMeter"/> (scenarioengine.storage.*), then passes them on.</summary>
internal sealed class MeteredQueue(IQueue inner) : IQueue
{
    public string Name => inner.Name;

    public async Task CreateAsync(CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await inner.CreateAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            EngineMeter.StorageCall("queue.create", start);
        }
    }

    public async Task SendAsync(string text, TimeSpan? delay = null, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await inner.SendAsync(text, delay, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            EngineMeter.StorageCall("queue.send", start);
        }
    }

    public async Task<IReadOnlyList<QueueItem>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await inner.ReceiveAsync(max, visibility, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            EngineMeter.StorageCall("queue.receive", start);
        }
    }

    public async Task DeleteAsync(QueueItem item, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await inner.DeleteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            EngineMeter.StorageCall("queue.delete", start);
        }
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await inner.CountAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            EngineMeter.StorageCall("queue.count", start);
        }
    }
}
