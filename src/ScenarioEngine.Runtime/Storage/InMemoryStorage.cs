using System.Runtime.CompilerServices;

namespace ScenarioEngine.Runtime.Storage;

/// <summary>Thrown by the in-memory provider when fault injection crashes a storage call.</summary>
public sealed class SimulatedCrashException(string message) : Exception(message);

/// <summary>Fault injection shared by the in-memory store and queues: crash at the N-th storage call (counting from 1).</summary>
public sealed class FaultInjector
{
    private long _calls;

    /// <summary>The storage call that fails, or 0 for none.</summary>
    public long CrashAt { get; set; }

    /// <summary>When true, the crashing call takes effect before it throws (the reply was lost), otherwise it never happens.</summary>
    public bool CrashAfterEffect { get; set; }

    /// <summary>How many storage calls were made.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Counts a call and says whether it must crash.</summary>
    internal bool Tick() => Interlocked.Increment(ref _calls) == CrashAt && CrashAt > 0;

    internal static SimulatedCrashException Crash(string what) => new($"simulated crash during {what}");
}

/// <summary>The in-memory row store: ETags, atomic batches and the same outcomes as Table Storage; for tests, fault injection and simulation.</summary>
public sealed class InMemoryRowStore(FaultInjector? faults = null) : IRowStore
{
    private readonly Dictionary<string, SortedDictionary<string, StoredRow>> _tables = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _etag;

    /// <summary>The fault injector (shared with the queues).</summary>
    public FaultInjector Faults { get; } = faults ?? new FaultInjector();

    /// <inheritdoc />
    public Task CreateTableAsync(string table, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _tables.TryAdd(table, new SortedDictionary<string, StoredRow>(StringComparer.Ordinal));
        }

        return Task.CompletedTask;
    }

    private SortedDictionary<string, StoredRow> Table(string table) =>
        _tables.TryGetValue(table, out var t) ? t : throw new InvalidOperationException($"table {table} does not exist");

    private static string Key(string pk, string rk) => pk + "\u0000" + rk;

    /// <inheritdoc />
    public Task<StoredRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        var crash = Faults.Tick();
        if (crash && !Faults.CrashAfterEffect)
        {
            throw FaultInjector.Crash("get");
        }

        StoredRow? row;
        lock (_lock)
        {
            Table(table).TryGetValue(Key(partitionKey, rowKey), out row);
        }

        return crash ? throw FaultInjector.Crash("get") : Task.FromResult(row);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredRow>> QueryAsync(string table, string partitionKey, string fromRowKey, string toRowKey, CancellationToken cancellationToken = default)
    {
        if (Faults.Tick())
        {
            throw FaultInjector.Crash("query");
        }

        lock (_lock)
        {
            var from = Key(partitionKey, fromRowKey);
            var to = Key(partitionKey, toRowKey);
            IReadOnlyList<StoredRow> rows = Table(table)
                .Where(kv => string.CompareOrdinal(kv.Key, from) >= 0 && string.CompareOrdinal(kv.Key, to) < 0)
                .Select(kv => kv.Value).ToList();
            return Task.FromResult(rows);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredRow> ScanAsync(string table, string rowKeyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Faults.Tick())
        {
            throw FaultInjector.Crash("scan");
        }

        List<StoredRow> rows;
        lock (_lock)
        {
            rows = Table(table).Values.Where(r => r.RowKey.StartsWith(rowKeyPrefix, StringComparison.Ordinal)).ToList();
        }

        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<CommitResult> CommitAsync(string table, IReadOnlyList<RowWrite> writes, CancellationToken cancellationToken = default)
    {
        if (writes.Count is 0 or > 100 || writes.Select(w => w.Row.PartitionKey).Distinct().Count() != 1)
        {
            throw new ArgumentException("A batch holds 1 to 100 writes in one partition.", nameof(writes));
        }

        if (writes.Select(w => w.Row.RowKey).Distinct(StringComparer.Ordinal).Count() != writes.Count)
        {
            throw new ArgumentException("A batch may touch each row once (as in Table Storage).", nameof(writes));
        }

        var crash = Faults.Tick();
        if (crash && !Faults.CrashAfterEffect)
        {
            throw FaultInjector.Crash("commit");
        }

        CommitResult result;
        lock (_lock)
        {
            result = CommitLocked(Table(table), writes);
        }

        return crash ? throw FaultInjector.Crash("commit") : Task.FromResult(result);
    }

    private CommitResult CommitLocked(SortedDictionary<string, StoredRow> t, IReadOnlyList<RowWrite> writes)
    {
        for (var i = 0; i < writes.Count; i++)
        {
            var w = writes[i];
            var exists = t.TryGetValue(Key(w.Row.PartitionKey, w.Row.RowKey), out var current);
            switch (w.Kind)
            {
                case WriteKind.Insert when exists:
                    return new CommitResult(CommitStatus.AlreadyExists, i);
                case WriteKind.Replace when !exists || current!.ETag != w.Row.ETag:
                case WriteKind.Delete when !exists || (w.Row.ETag is not null && current!.ETag != w.Row.ETag):
                    return new CommitResult(CommitStatus.ConditionFailed, i);
            }
        }

        foreach (var w in writes)
        {
            var key = Key(w.Row.PartitionKey, w.Row.RowKey);
            if (w.Kind == WriteKind.Delete)
            {
                t.Remove(key);
            }
            else
            {
                t[key] = w.Row with { ETag = "W/\"" + Interlocked.Increment(ref _etag) + "\"" };
            }
        }

        return CommitResult.Ok;
    }

    /// <summary>Every row of a table (tests and reports).</summary>
    public IReadOnlyList<StoredRow> Dump(string table)
    {
        lock (_lock)
        {
            return _tables.TryGetValue(table, out var t) ? t.Values.ToList() : [];
        }
    }
}

/// <summary>An in-memory queue with delayed visibility, visibility timeouts and dequeue counts; time comes from a <see cref="TimeProvider"/>.</summary>
public sealed class InMemoryQueue(string name, TimeProvider time, FaultInjector? faults = null) : IQueue
{
    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];
    private long _ids;

    private sealed class Entry
    {
        public required string Id;
        public required string Text;
        public DateTimeOffset VisibleAt;
        public string PopReceipt = "";
        public int DequeueCount;
    }

    /// <inheritdoc />
    public string Name { get; } = name;

    /// <summary>The fault injector.</summary>
    public FaultInjector Faults { get; } = faults ?? new FaultInjector();

    /// <inheritdoc />
    public Task CreateAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task SendAsync(string text, TimeSpan? delay = null, CancellationToken cancellationToken = default)
    {
        if (delay > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(delay), "A queue message can be hidden for at most 7 days.");
        }

        var crash = Faults.Tick();
        if (crash && !Faults.CrashAfterEffect)
        {
            throw FaultInjector.Crash("enqueue");
        }

        lock (_lock)
        {
            _entries.Add(new Entry { Id = Interlocked.Increment(ref _ids).ToString(System.Globalization.CultureInfo.InvariantCulture), Text = text, VisibleAt = time.GetUtcNow() + (delay ?? TimeSpan.Zero) });
        }

        return crash ? throw FaultInjector.Crash("enqueue") : Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueItem>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        if (Faults.Tick())
        {
            throw FaultInjector.Crash("receive");
        }

        var now = time.GetUtcNow();
        var result = new List<QueueItem>();
        lock (_lock)
        {
            foreach (var e in _entries)
            {
                if (result.Count == max)
                {
                    break;
                }

                if (e.VisibleAt <= now)
                {
                    e.VisibleAt = now + visibility;
                    e.DequeueCount++;
                    e.PopReceipt = Guid.NewGuid().ToString("N");
                    result.Add(new QueueItem(e.Id, e.PopReceipt, e.Text, e.DequeueCount));
                }
            }
        }

        return Task.FromResult<IReadOnlyList<QueueItem>>(result);
    }

    /// <inheritdoc />
    public Task DeleteAsync(QueueItem item, CancellationToken cancellationToken = default)
    {
        var crash = Faults.Tick();
        if (crash && !Faults.CrashAfterEffect)
        {
            throw FaultInjector.Crash("delete");
        }

        lock (_lock)
        {
            _entries.RemoveAll(e => e.Id == item.Id && e.PopReceipt == item.PopReceipt);
        }

        return crash ? throw FaultInjector.Crash("delete") : Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_entries.Count);
        }
    }

    /// <summary>The earliest time a message becomes visible, or null when empty (for virtual-time drivers).</summary>
    public DateTimeOffset? NextVisibleAt()
    {
        lock (_lock)
        {
            return _entries.Count == 0 ? null : _entries.Min(e => e.VisibleAt);
        }
    }
}

/// <summary>Makes in-memory queues sharing one clock and fault injector.</summary>
public sealed class InMemoryQueueFactory(TimeProvider time, FaultInjector? faults = null) : IQueueFactory
{
    private readonly Dictionary<string, InMemoryQueue> _queues = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public IQueue Get(string name)
    {
        lock (_lock)
        {
            if (!_queues.TryGetValue(name, out var q))
            {
                q = new InMemoryQueue(name, time, faults);
                _queues[name] = q;
            }

            return q;
        }
    }

    /// <summary>Every queue made so far.</summary>
    public IReadOnlyList<InMemoryQueue> All
    {
        get
        {
            lock (_lock)
            {
                return _queues.Values.ToList();
            }
        }
    }
}
