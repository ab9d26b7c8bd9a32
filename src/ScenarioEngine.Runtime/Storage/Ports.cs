namespace ScenarioEngine.Runtime.Storage;

/// <summary>
/// One stored row: a partition key, a row key, a JSON payload and the ETag it was read with. The payload is held as text or as UTF-8
/// (<see cref="FromUtf8"/>), whichever it was made from, and converted only if asked for the other: the engine writes and parses its
/// rows as UTF-8, and a provider that keeps UTF-8 (the in-memory one) never transcodes them. Equality compares the text.
/// </summary>
public sealed record StoredRow(string PartitionKey, string RowKey, string Data, string? ETag = null)
{
    private string? _data = Data;
    private byte[]? _utf8;

    /// <summary>A row whose payload is UTF-8 JSON; the array is the row's from then on and must not be changed.</summary>
    public static StoredRow FromUtf8(string partitionKey, string rowKey, byte[] utf8, string? etag = null) =>
        new(partitionKey, rowKey, null!, etag) { _utf8 = utf8 };

    /// <summary>The payload as text.</summary>
    public string Data
    {
        get => _data ??= System.Text.Encoding.UTF8.GetString(_utf8!);
        init
        {
            _data = value;
            _utf8 = null;
        }
    }

    /// <summary>The payload as UTF-8 (encoded once if the row was made from text).</summary>
    public ReadOnlyMemory<byte> Utf8 => _utf8 ??= System.Text.Encoding.UTF8.GetBytes(_data!);

    /// <summary>The UTF-8 array when the row holds one already (the provider may keep it as it is), else null.</summary>
    internal byte[]? Utf8Array => _utf8;

    /// <inheritdoc />
    public bool Equals(StoredRow? other) =>
        other is not null && PartitionKey == other.PartitionKey && RowKey == other.RowKey && ETag == other.ETag && Data == other.Data;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(PartitionKey, RowKey, ETag, Data);
}

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
