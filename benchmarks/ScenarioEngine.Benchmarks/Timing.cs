using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Benchmarks;

/// <summary>Adds up the time spent in each storage operation (a decorator over the ports), to see where a load run waits.</summary>
internal sealed class OperationTimes
{
    private readonly ConcurrentDictionary<string, (long Count, long Ticks)> _ops = new(StringComparer.Ordinal);

    public async Task<T> TimeAsync<T>(string op, Func<Task<T>> call)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            var ticks = Stopwatch.GetTimestamp() - start;
            _ops.AddOrUpdate(op, (1, ticks), (_, v) => (v.Count + 1, v.Ticks + ticks));
        }
    }

    public async Task TimeAsync(string op, Func<Task> call) => await TimeAsync(op, async () => { await call().ConfigureAwait(false); return 0; }).ConfigureAwait(false);

    public override string ToString() => string.Join("; ", _ops.OrderByDescending(kv => kv.Value.Ticks).Select(kv =>
        $"{kv.Key} {kv.Value.Count} calls, mean {TimeSpan.FromTicks(kv.Value.Ticks * TimeSpan.TicksPerSecond / Stopwatch.Frequency / kv.Value.Count).TotalMilliseconds:F1} ms"));
}

internal sealed class TimedRowStore(IRowStore inner, OperationTimes times) : IRowStore
{
    public Task CreateTableAsync(string table, CancellationToken cancellationToken = default) => inner.CreateTableAsync(table, cancellationToken);

    public Task<StoredRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) =>
        times.TimeAsync("get", () => inner.GetAsync(table, partitionKey, rowKey, cancellationToken));

    public Task<IReadOnlyList<StoredRow>> QueryAsync(string table, string partitionKey, string fromRowKey, string toRowKey, CancellationToken cancellationToken = default) =>
        times.TimeAsync("query", () => inner.QueryAsync(table, partitionKey, fromRowKey, toRowKey, cancellationToken));

    public async IAsyncEnumerable<StoredRow> ScanAsync(string table, string rowKeyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in inner.ScanAsync(table, rowKeyPrefix, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    public Task<CommitResult> CommitAsync(string table, IReadOnlyList<RowWrite> writes, CancellationToken cancellationToken = default) =>
        times.TimeAsync("batch", () => inner.CommitAsync(table, writes, cancellationToken));
}

internal sealed class TimedQueueFactory(IQueueFactory inner, OperationTimes times) : IQueueFactory
{
    public IQueue Get(string name) => new TimedQueue(inner.Get(name), times);

    private sealed class TimedQueue(IQueue q, OperationTimes times) : IQueue
    {
        public string Name => q.Name;

        public Task CreateAsync(CancellationToken cancellationToken = default) => q.CreateAsync(cancellationToken);

        public Task SendAsync(string text, TimeSpan? delay = null, CancellationToken cancellationToken = default) =>
            times.TimeAsync("queue.send", () => q.SendAsync(text, delay, cancellationToken));

        public Task<IReadOnlyList<QueueItem>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken = default) =>
            times.TimeAsync(q.Name.EndsWith("timers", StringComparison.Ordinal) ? "queue.receive(timers)" : "queue.receive", () => q.ReceiveAsync(max, visibility, cancellationToken));

        public Task DeleteAsync(QueueItem item, CancellationToken cancellationToken = default) =>
            times.TimeAsync("queue.delete", () => q.DeleteAsync(item, cancellationToken));

        public Task<int> CountAsync(CancellationToken cancellationToken = default) => q.CountAsync(cancellationToken);
    }
}
