namespace ScenarioEngine.Runtime.Storage;

/// <summary>The kinds of write in an atomic batch.</summary>
public enum WriteKind
{
    /// <summary>Insert; fails the batch when the row exists.</summary>
    Insert,
    /// <summary>Insert or replace, unconditionally.</summary>
    Upsert,
    /// <summary>Replace when the stored ETag equals the row's ETag.</summary>
    Replace,
    /// <summary>Delete when the stored ETag equals the row's ETag (or any, when the ETag is null).</summary>
    Delete,
}

/// <summary>One write of a batch.</summary>
public sealed record RowWrite(WriteKind Kind, StoredRow Row);

/// <summary>What happened to a batch.</summary>
public enum CommitStatus
{
    /// <summary>Every write applied.</summary>
    Ok,
    /// <summary>Nothing applied: a Replace or Delete found another ETag (or no row).</summary>
    ConditionFailed,
    /// <summary>Nothing applied: an Insert found the row already there.</summary>
    AlreadyExists,
}

/// <summary>The outcome of a batch, with the failing write's index when it failed.</summary>
public readonly record struct CommitResult(CommitStatus Status, int FailedIndex = -1)
{
    /// <summary>Success (without the new ETags).</summary>
    public static readonly CommitResult Ok = new(CommitStatus.Ok);

    /// <summary>On success, the new ETag of each write in order (null for a delete, or when the provider did not say).</summary>
    public IReadOnlyList<string?>? ETags { get; init; }

    /// <summary>Outcomes are equal when status and failed index are; the ETags are data, not part of the outcome.</summary>
    public bool Equals(CommitResult other) => Status == other.Status && FailedIndex == other.FailedIndex;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Status, FailedIndex);
}

/// <summary>The table port: partitions of rows, read by range and written in atomic single-partition batches (at most 100 writes).</summary>
public interface IRowStore
{
    /// <summary>Creates the table if needed.</summary>
    Task CreateTableAsync(string table, CancellationToken cancellationToken = default);

    /// <summary>Reads one row, or null.</summary>
    Task<StoredRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>Reads a partition's rows with row keys in [<paramref name="fromRowKey"/>, <paramref name="toRowKey"/>), in row-key order.</summary>
    Task<IReadOnlyList<StoredRow>> QueryAsync(string table, string partitionKey, string fromRowKey, string toRowKey, CancellationToken cancellationToken = default);

    /// <summary>Reads the rows of every partition whose row key starts with a prefix (a scan: for sweeps and reports, not the hot path).</summary>
    IAsyncEnumerable<StoredRow> ScanAsync(string table, string rowKeyPrefix, CancellationToken cancellationToken = default);

    /// <summary>Applies every write atomically, or none; all writes must be in one partition.</summary>
    Task<CommitResult> CommitAsync(string table, IReadOnlyList<RowWrite> writes, CancellationToken cancellationToken = default);
}

/// <summary>A received queue message; delete it with its pop receipt once handled.</summary>
public sealed record QueueItem(string Id, string PopReceipt, string Text, int DequeueCount);

/// <summary>The queue port: at-least-once messages with delayed visibility.</summary>
public interface IQueue
{
    /// <summary>The queue's name.</summary>
    string Name { get; }

    /// <summary>Creates the queue if needed.</summary>
    Task CreateAsync(CancellationToken cancellationToken = default);

    /// <summary>Enqueues a message, invisible for <paramref name="delay"/> (at most 7 days).</summary>
    Task SendAsync(string text, TimeSpan? delay = null, CancellationToken cancellationToken = default);

    /// <summary>Receives up to <paramref name="max"/> (1 to 32) messages, hiding them for <paramref name="visibility"/>.</summary>
    Task<IReadOnlyList<QueueItem>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken = default);

    /// <summary>Deletes a handled message; a message already gone is not an error.</summary>
    Task DeleteAsync(QueueItem item, CancellationToken cancellationToken = default);

    /// <summary>The approximate number of messages (visible or not).</summary>
    Task<int> CountAsync(CancellationToken cancellationToken = default);
}

/// <summary>Makes queues by name for a provider.</summary>
public interface IQueueFactory
{
    /// <summary>The queue of that name.</summary>
    IQueue Get(string name);
}
