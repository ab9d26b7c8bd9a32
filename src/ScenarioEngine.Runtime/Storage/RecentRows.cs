namespace ScenarioEngine.Runtime.Storage;

/// <summary>
/// The customers-table rows this process last read or committed, with their ETags, shared by ingest (the instance rows it commits),
/// the send ledger and the recorder (one per process). A read-modify-write whose commit is conditioned on the row's ETag may start
/// from a remembered row instead of reading it: if another writer changed the row since, the condition fails, the row is forgotten
/// and read. A decision that commits nothing conditioned on the row (whether a claim stands, the policy's skip) always reads. At most
/// <see cref="Capacity"/> rows are kept; beyond that the memory starts over (a miss costs one read, never a wrong write).
/// </summary>
/// <param name="capacity">
/// How many rows are kept at most (<see cref="DefaultCapacity"/>); 0 keeps none, for a store whose reads cost no request (the
/// in-memory store of the simulation, where holding rows only keeps memory alive).
/// </param>
public sealed class RecentRows(int capacity = RecentRows.DefaultCapacity)
{
    /// <summary>How many rows a process keeps by default.</summary>
    public const int DefaultCapacity = 8192;

    /// <summary>How many rows are kept at most.</summary>
    public int Capacity { get; } = capacity >= 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be 0 or more.");

    // One lock around a plain dictionary: each call holds it for a lookup or a store (a concurrent dictionary's Count and Clear take
    // all of its locks, which cost more than the reads they save on the in-memory store).
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Table, string PartitionKey, string RowKey), StoredRow> _rows = [];

    /// <summary>The remembered row, or null.</summary>
    public StoredRow? Find(string table, string partitionKey, string rowKey)
    {
        lock (_gate)
        {
            return _rows.GetValueOrDefault((table, partitionKey, rowKey));
        }
    }

    /// <summary>Remembers a row read with its ETag (a row without one is not kept).</summary>
    public void Remember(string table, StoredRow? row)
    {
        if (row?.ETag is null || Capacity == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_rows.Count >= Capacity)
            {
                _rows.Clear();
            }

            _rows[(table, row.PartitionKey, row.RowKey)] = row;
        }
    }

    /// <summary>
    /// Remembers what a committed batch wrote, with the new ETags the store returned: inserted and replaced rows (an upserted row, such
    /// as a time-line entry, is written whatever was there and never read back to change; a deleted row, or one whose new ETag the
    /// store did not say, is forgotten).
    /// </summary>
    public void Remember(string table, IReadOnlyList<RowWrite> writes, CommitResult result) => Remember(table, writes, result, rowKeyPrefix: "");

    /// <summary>
    /// As <see cref="Remember(string, IReadOnlyList{RowWrite}, CommitResult)"/>, only the rows whose key starts with
    /// <paramref name="rowKeyPrefix"/> (ingest's instance rows: its markers and time line are never read back to change).
    /// </summary>
    public void Remember(string table, IReadOnlyList<RowWrite> writes, CommitResult result, string rowKeyPrefix)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(rowKeyPrefix);
        if (Capacity == 0)
        {
            return;
        }

        for (var i = 0; i < writes.Count; i++)
        {
            var row = writes[i].Row;
            if (writes[i].Kind == WriteKind.Upsert || !row.RowKey.StartsWith(rowKeyPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var etag = writes[i].Kind == WriteKind.Delete ? null : result.ETags is { } etags && i < etags.Count ? etags[i] : null;
            if (etag is null)
            {
                Forget(table, row.PartitionKey, row.RowKey);
            }
            else
            {
                Remember(table, row with { ETag = etag });
            }
        }
    }

    /// <summary>
    /// On a first attempt (<paramref name="attempt"/> 0), the remembered row if there is one; otherwise, or on a retry after a failed
    /// condition, a read of <paramref name="store"/>.
    /// </summary>
    public Task<StoredRow?> ReadAsync(IRowStore store, string table, string partitionKey, string rowKey, int attempt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return attempt == 0 && Find(table, partitionKey, rowKey) is { } known
            ? Task.FromResult<StoredRow?>(known)
            : store.GetAsync(table, partitionKey, rowKey, cancellationToken);
    }

    /// <summary>Forgets every row of a batch whose condition failed.</summary>
    public void Forget(string table, IReadOnlyList<RowWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        foreach (var write in writes)
        {
            Forget(table, write.Row.PartitionKey, write.Row.RowKey);
        }
    }

    /// <summary>Forgets a row (its conditioned write failed: it changed since).</summary>
    public void Forget(string table, string partitionKey, string rowKey)
    {
        lock (_gate)
        {
            _rows.Remove((table, partitionKey, rowKey));
        }
    }
}
