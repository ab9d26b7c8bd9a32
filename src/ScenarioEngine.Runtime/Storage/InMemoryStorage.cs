using System.Runtime.CompilerServices;

namespace ScenarioEngine.Runtime.Storage;

/// <summary>
/// Fault injection shared by the in-memory store and queues: the process "dies" at the N-th storage call (counting from 1). Dying is
/// the process stopping: <see cref="Stopping"/> is cancelled and the call throws <see cref="OperationCanceledException"/> for it, the
/// way a host's stopping token ends a handler, so pumps run with <see cref="Stopping"/> let the failure through instead of retrying.
/// </summary>
public sealed class FaultInjector
{
    private long _calls;
    private CancellationTokenSource _process = new();

    /// <summary>The storage call that fails, or 0 for none.</summary>
    public long CrashAt { get; set; }

    /// <summary>When true, the crashing call takes effect before it throws (the reply was lost), otherwise it never happens.</summary>
    public bool CrashAfterEffect { get; set; }

    /// <summary>How many storage calls were made.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>The current process's stopping token: cancelled by a crash, renewed by <see cref="Restart"/>.</summary>
    public CancellationToken Stopping => _process.Token;

    /// <summary>A new process starts (after a crash): <see cref="Stopping"/> is a fresh token.</summary>
    public void Restart()
    {
        if (_process.IsCancellationRequested)
        {
            _process.Dispose();
            _process = new CancellationTokenSource();
        }
    }

    /// <summary>The process dies now: cancels <see cref="Stopping"/> and returns the exception to throw.</summary>
    public OperationCanceledException Crash(string what)
    {
        _process.Cancel();
        return new OperationCanceledException($"simulated crash during {what}", _process.Token);
    }

    /// <summary>Counts a call and says whether it must crash.</summary>
    internal bool Tick() => Interlocked.Increment(ref _calls) == CrashAt && CrashAt > 0;
}

/// <summary>The in-memory row store: ETags, atomic batches and the same outcomes as Table Storage; for tests, fault injection and simulation.</summary>
public sealed class InMemoryRowStore(FaultInjector? faults = null) : IRowStore
{
    // Table -> partition -> rows in row-key order. Each partition has its own lock (a batch is atomic within one partition, as in Table
    // Storage), so workers on different customers never wait for each other; scans copy one partition at a time.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentDictionary<string, Partition>> _tables = new(StringComparer.Ordinal);
    private long _etag;

    // One customer's rows in row-key order, in one array of structs: a stored row costs its key and its payload and nothing else
    // on the collected heap (a sorted dictionary added an entry and a tree node per row, objects the collector copies and marks for as
    // long as the store lives). Partitions are small (a customer's rows), so an insert shifts a few slots.
    private sealed class Partition
    {
        public readonly Lock Lock = new();
        private Entry[] _rows = new Entry[4];
        private int _count;

        public ReadOnlySpan<Entry> Rows => _rows.AsSpan(0, _count);

        // The index of the row with this key, or the bitwise complement of where it would go.
        public int Find(string rowKey)
        {
            var (lo, hi) = (0, _count - 1);
            while (lo <= hi)
            {
                var mid = lo + ((hi - lo) >> 1);
                var c = string.CompareOrdinal(_rows[mid].RowKey, rowKey);
                if (c == 0)
                {
                    return mid;
                }

                if (c < 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return ~lo;
        }

        public bool TryGet(string rowKey, out Entry entry)
        {
            var i = Find(rowKey);
            entry = i >= 0 ? _rows[i] : default;
            return i >= 0;
        }

        public void Set(Entry entry)
        {
            var i = Find(entry.RowKey);
            if (i >= 0)
            {
                _rows[i] = entry;
                return;
            }

            i = ~i;
            if (_count == _rows.Length)
            {
                Array.Resize(ref _rows, _rows.Length * 2);
            }

            Array.Copy(_rows, i, _rows, i + 1, _count - i);
            _rows[i] = entry;
            _count++;
        }

        public void Remove(string rowKey)
        {
            var i = Find(rowKey);
            if (i < 0)
            {
                return;
            }

            _count--;
            Array.Copy(_rows, i + 1, _rows, i, _count - i);
            _rows[_count] = default;
        }
    }

    // A stored row: the document it was written with, or its text (a string or a document: a reference either way, nothing encoded
    // or parsed), and its ETag as a number.
    private readonly record struct Entry(string RowKey, object Payload, long Version)
    {
        public string ETag => FormatETag(Version);

        // Whether an ETag names this version, without formatting one (every conditional write asks).
        public bool Matches(string? etag) =>
            etag is not null && etag.StartsWith("W/\"", StringComparison.Ordinal) && etag.EndsWith('"') && etag.Length > 4
            && long.TryParse(etag.AsSpan(3, etag.Length - 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
            && v == Version && (etag[3] != '0' || etag.Length == 5); // digits as formatted: no leading zero
    }

    private static string FormatETag(long version) => "W/\"" + version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"";

    // Rows share the stored payload: a document never changes once a row holds it (a reader parses or copies it, see Codec.Read), and
    // a write stores the new row's.
    private static StoredRow ToRow(string partitionKey, Entry entry) => entry.Payload is RowDocument document
        ? StoredRow.FromDocument(partitionKey, entry.RowKey, document, entry.ETag)
        : new StoredRow(partitionKey, entry.RowKey, (string)entry.Payload, entry.ETag);

    private static object Payload(StoredRow row) => row.Document ?? (object)row.Data;

    /// <summary>The fault injector (shared with the queues).</summary>
    public FaultInjector Faults { get; } = faults ?? new FaultInjector();

    /// <inheritdoc />
    public Task CreateTableAsync(string table, CancellationToken cancellationToken = default)
    {
        _tables.TryAdd(table, new System.Collections.Concurrent.ConcurrentDictionary<string, Partition>(StringComparer.Ordinal));
        return Task.CompletedTask;
    }

    private System.Collections.Concurrent.ConcurrentDictionary<string, Partition> Table(string table) =>
        _tables.TryGetValue(table, out var t) ? t : throw new InvalidOperationException($"table {table} does not exist");

    /// <summary>The longest key (see <see cref="TableKeys.MaxLength"/>).</summary>
    public const int MaxKeyLength = TableKeys.MaxLength;

    /// <inheritdoc />
    public Task<StoredRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        TableKeys.Validate(partitionKey, nameof(partitionKey));
        TableKeys.Validate(rowKey, nameof(rowKey));
        var crash = Faults.Tick();
        if (crash && !Faults.CrashAfterEffect)
        {
            throw Faults.Crash("get");
        }

        StoredRow? row = null;
        if (Table(table).TryGetValue(partitionKey, out var partition))
        {
            lock (partition.Lock)
            {
                row = partition.TryGet(rowKey, out var entry) ? ToRow(partitionKey, entry) : null;
            }
        }

        return crash ? throw Faults.Crash("get") : Task.FromResult(row);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredRow>> QueryAsync(string table, string partitionKey, string fromRowKey, string toRowKey, CancellationToken cancellationToken = default)
    {
        if (Faults.Tick())
        {
            throw Faults.Crash("query");
        }

        var rows = new List<StoredRow>();
        if (Table(table).TryGetValue(partitionKey, out var partition))
        {
            lock (partition.Lock)
            {
                var all = partition.Rows;
                var from = partition.Find(fromRowKey);
                for (var i = from >= 0 ? from : ~from; i < all.Length && string.CompareOrdinal(all[i].RowKey, toRowKey) < 0; i++)
                {
                    rows.Add(ToRow(partitionKey, all[i])); // row-key order: from the first in range to the first beyond it
                }
            }
        }

        return Task.FromResult<IReadOnlyList<StoredRow>>(rows);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredRow> ScanAsync(string table, string rowKeyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Faults.Tick())
        {
            throw Faults.Crash("scan");
        }

        // Partition-key order, then row-key order, as Table Storage returns a scan.
        foreach (var (partitionKey, partition) in Table(table).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var rows = new List<StoredRow>();
            lock (partition.Lock)
            {
                foreach (var r in partition.Rows)
                {
                    if (r.RowKey.StartsWith(rowKeyPrefix, StringComparison.Ordinal))
                    {
                        rows.Add(ToRow(partitionKey, r));
                    }
                }
            }

            foreach (var row in rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return row;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<CommitResult> CommitAsync(string table, IReadOnlyList<RowWrite> writes, CancellationToken cancellationToken = default)
    {
        if (writes.Count is 0 or > 100)
        {
            throw new ArgumentException("A batch holds 1 to 100 writes in one partition.", nameof(writes));
        }

        var partitionKey = writes[0].Row.PartitionKey;
        for (var i = 0; i < writes.Count; i++)
        {
            var w = writes[i];
            if (!string.Equals(w.Row.PartitionKey, partitionKey, StringComparison.Ordinal))
            {
                throw new ArgumentException("A batch holds 1 to 100 writes in one partition.", nameof(writes));
            }

            // Pairwise: batches are a handful of rows (at most 100), and this runs for every commit.
            for (var j = 0; j < i; j++)
            {
                if (string.Equals(writes[j].Row.RowKey, w.Row.RowKey, StringComparison.Ordinal))
                {
                    throw new ArgumentException("A batch may touch each row once (as in Table Storage).", nameof(writes));
                }
            }

            TableKeys.Validate(w.Row.PartitionKey, nameof(writes));
            TableKeys.Validate(w.Row.RowKey, nameof(writes));
        }

        var crash = Faults.Tick();
        if (crash && !Faults.CrashAfterEffect)
        {
            throw Faults.Crash("commit");
        }

        var partition = Table(table).GetOrAdd(partitionKey, static _ => new Partition());
        CommitResult result;
        lock (partition.Lock)
        {
            result = CommitLocked(partition, writes);
        }

        return crash ? throw Faults.Crash("commit") : Task.FromResult(result);
    }

    private CommitResult CommitLocked(Partition t, IReadOnlyList<RowWrite> writes)
    {
        for (var i = 0; i < writes.Count; i++)
        {
            var w = writes[i];
            var exists = t.TryGet(w.Row.RowKey, out var current);
            switch (w.Kind)
            {
                case WriteKind.Insert when exists:
                    return new CommitResult(CommitStatus.AlreadyExists, i);
                case WriteKind.Replace when !exists || !current.Matches(w.Row.ETag):
                case WriteKind.Delete when !exists || (w.Row.ETag is not null && !current.Matches(w.Row.ETag)):
                    return new CommitResult(CommitStatus.ConditionFailed, i);
            }
        }

        var etags = new string?[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            var w = writes[i];
            var key = w.Row.RowKey;
            if (w.Kind == WriteKind.Delete)
            {
                t.Remove(key);
            }
            else
            {
                var version = Interlocked.Increment(ref _etag);
                etags[i] = FormatETag(version);
                t.Set(new Entry(key, Payload(w.Row), version));
            }
        }

        return CommitResult.Ok with { ETags = etags };
    }

    /// <summary>Every row of a table (tests and reports).</summary>
    public IReadOnlyList<StoredRow> Dump(string table)
    {
        if (!_tables.TryGetValue(table, out var t))
        {
            return [];
        }

        var rows = new List<StoredRow>();
        foreach (var (partitionKey, partition) in t.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            lock (partition.Lock)
            {
                foreach (var r in partition.Rows)
                {
                    rows.Add(ToRow(partitionKey, r));
                }
            }
        }

        return rows;
    }
}

/// <summary>An in-memory queue with delayed visibility, visibility timeouts and dequeue counts; time comes from a <see cref="TimeProvider"/>.</summary>
public sealed class InMemoryQueue(string name, TimeProvider time, FaultInjector? faults = null) : IQueue
{
    private readonly Lock _lock = new();

    // A heap ordered by visibility time, then arrival: receive takes from the front, so it costs O(log n) however many messages
    // wait (100,000 hidden timers in a load run). Deleting or re-hiding a message leaves its old heap slot behind as stale (its stamp
    // no longer matches); stale slots are dropped when they reach the front, and the heap is rebuilt from the live messages when
    // they outnumber them. An array heap rather than a sorted set: no tree node per message and no pointer chasing per insert.
    private readonly PriorityQueue<(Entry Entry, long Stamp), (DateTimeOffset VisibleAt, long Seq)> _heap = new(EntryOrder.Instance);
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private long _ids;

    private sealed class Entry
    {
        public required string Id;
        public required long Seq;
        public required string Text;
        public DateTimeOffset VisibleAt;
        public long Stamp;
        public string PopReceipt = "";
        public int DequeueCount;
    }

    private sealed class EntryOrder : IComparer<(DateTimeOffset VisibleAt, long Seq)>
    {
        public static readonly EntryOrder Instance = new();

        public int Compare((DateTimeOffset VisibleAt, long Seq) x, (DateTimeOffset VisibleAt, long Seq) y)
        {
            var c = x.VisibleAt.UtcTicks.CompareTo(y.VisibleAt.UtcTicks);
            return c != 0 ? c : x.Seq.CompareTo(y.Seq);
        }
    }

    // Called under the lock: (re)schedules a live message at its VisibleAt.
    private void Schedule(Entry e)
    {
        e.Stamp++;
        _heap.Enqueue((e, e.Stamp), (e.VisibleAt, e.Seq));
        if (_heap.Count > 2 * _byId.Count + 1024)
        {
            _heap.Clear();
            foreach (var live in _byId.Values)
            {
                _heap.Enqueue((live, live.Stamp), (live.VisibleAt, live.Seq));
            }
        }
    }

    // Called under the lock: the live message at the front of the heap (stale slots before it dropped), or null when none.
    private Entry? Front()
    {
        while (_heap.TryPeek(out var slot, out _))
        {
            if (slot.Stamp == slot.Entry.Stamp && _byId.ContainsKey(slot.Entry.Id))
            {
                return slot.Entry;
            }

            _heap.Dequeue();
        }

        return null;
    }

    /// <summary>The most bytes one message may take once base64-encoded, as in Azure Storage queues.</summary>
    public const int MaxEncodedMessageBytes = 64 * 1024;

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

        // Azure Storage queues hold 64 KiB per message, and the Azure provider sends the UTF-8 text base64-encoded.
        ArgumentNullException.ThrowIfNull(text);
        if ((System.Text.Encoding.UTF8.GetByteCount(text) + 2) / 3 * 4 > MaxEncodedMessageBytes)
        {
            throw new ArgumentException($"A queue message holds at most {MaxEncodedMessageBytes} bytes once base64-encoded (about 48 KiB of UTF-8 text).", nameof(text));
        }

        var crash = Faults.Tick();
        if (crash && !Faults.CrashAfterEffect)
        {
            throw Faults.Crash("enqueue");
        }

        lock (_lock)
        {
            var seq = ++_ids;
            var entry = new Entry { Id = seq.ToString(System.Globalization.CultureInfo.InvariantCulture), Seq = seq, Text = text, VisibleAt = time.GetUtcNow() + (delay ?? TimeSpan.Zero) };
            _byId[entry.Id] = entry;
            Schedule(entry);
        }

        return crash ? throw Faults.Crash("enqueue") : Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueItem>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        if (Faults.Tick())
        {
            throw Faults.Crash("receive");
        }

        var now = time.GetUtcNow();
        var result = new List<QueueItem>();
        lock (_lock)
        {
            while (result.Count < max && Front() is { } e && e.VisibleAt <= now)
            {
                _heap.Dequeue();
                e.VisibleAt = now + visibility;
                e.DequeueCount++;
                e.PopReceipt = Guid.NewGuid().ToString("N");
                Schedule(e);
                result.Add(new QueueItem(e.Id, e.PopReceipt, e.Text, e.DequeueCount));
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
            throw Faults.Crash("delete");
        }

        lock (_lock)
        {
            if (_byId.TryGetValue(item.Id, out var e) && e.PopReceipt == item.PopReceipt)
            {
                _byId.Remove(item.Id); // its heap slot is now stale
            }
        }

        return crash ? throw Faults.Crash("delete") : Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_byId.Count);
        }
    }

    /// <summary>The earliest time a message becomes visible, or null when empty (for virtual-time drivers).</summary>
    public DateTimeOffset? NextVisibleAt()
    {
        lock (_lock)
        {
            return Front()?.VisibleAt;
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
