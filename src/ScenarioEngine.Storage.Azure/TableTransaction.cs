using Azure;

namespace ScenarioEngine.Storage.Azure;

/// <summary>The kind of one operation in an entity-group transaction.</summary>
public enum TableTransactionActionType
{
    /// <summary>Insert; fails with AlreadyExists when the row exists.</summary>
    Insert,

    /// <summary>Insert or replace / insert or merge, unconditionally.</summary>
    Upsert,

    /// <summary>Replace or merge an existing row whose ETag matches (or any row with <see cref="ETag.All"/>).</summary>
    Update,

    /// <summary>Delete a row whose ETag matches (or any row with <see cref="ETag.All"/>).</summary>
    Delete,
}

/// <summary>One operation of an entity-group transaction; build it with the static factories.</summary>
public sealed class TableTransactionAction
{
    private TableTransactionAction(TableTransactionActionType actionType, string partitionKey, string rowKey, TableEntity? entity, TableUpdateMode mode, ETag etag)
    {
        ActionType = actionType;
        PartitionKey = partitionKey;
        RowKey = rowKey;
        Entity = entity;
        Mode = mode;
        ETag = etag;
    }

    /// <summary>The kind of operation.</summary>
    public TableTransactionActionType ActionType { get; }

    /// <summary>The row's partition key.</summary>
    public string PartitionKey { get; }

    /// <summary>The row's key.</summary>
    public string RowKey { get; }

    /// <summary>The entity written; null for deletes.</summary>
    public TableEntity? Entity { get; }

    /// <summary>Replace or merge, for upserts and updates.</summary>
    public TableUpdateMode Mode { get; }

    /// <summary>The If-Match ETag for updates and deletes; default for inserts and upserts.</summary>
    public ETag ETag { get; }

    /// <summary>Inserts the entity.</summary>
    public static TableTransactionAction Insert(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return new(TableTransactionActionType.Insert, entity.PartitionKey, entity.RowKey, entity, TableUpdateMode.Replace, default);
    }

    /// <summary>Inserts or replaces / merges the entity whatever is stored.</summary>
    public static TableTransactionAction Upsert(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return new(TableTransactionActionType.Upsert, entity.PartitionKey, entity.RowKey, entity, mode, default);
    }

    /// <summary>Replaces or merges the entity if the stored ETag matches <paramref name="ifMatch"/>.</summary>
    public static TableTransactionAction Update(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Replace)
    {
        ArgumentNullException.ThrowIfNull(entity);
        RequireETag(ifMatch);
        return new(TableTransactionActionType.Update, entity.PartitionKey, entity.RowKey, entity, mode, ifMatch);
    }

    /// <summary>Deletes the row if the stored ETag matches <paramref name="ifMatch"/>.</summary>
    public static TableTransactionAction Delete(string partitionKey, string rowKey, ETag ifMatch)
    {
        TableEntity.ValidateKey(partitionKey, nameof(partitionKey));
        TableEntity.ValidateKey(rowKey, nameof(rowKey));
        RequireETag(ifMatch);
        return new(TableTransactionActionType.Delete, partitionKey, rowKey, null, TableUpdateMode.Replace, ifMatch);
    }

    internal static void RequireETag(ETag ifMatch)
    {
        if (ifMatch == default)
        {
            throw new ArgumentException("An ETag is required; pass the ETag read with the entity, or ETag.All to match any.", nameof(ifMatch));
        }
    }
}

/// <summary>The outcome of an entity-group transaction: all operations applied (with their new ETags) or none, naming the operation that failed.</summary>
public sealed record TableTransactionResult
{
    /// <summary>Ok when every operation applied; otherwise the expected failure of the operation at <see cref="FailedIndex"/>.</summary>
    public required TableStatus Status { get; init; }

    /// <summary>The new ETag of each operation, in order (default for deletes); empty when the transaction failed.</summary>
    public IReadOnlyList<ETag> ETags { get; init; } = [];

    /// <summary>The zero-based index of the operation that failed; null on success or when the service did not name it.</summary>
    public int? FailedIndex { get; init; }

    /// <summary>The HTTP status of the failed operation; null on success.</summary>
    public int? FailedStatusCode { get; init; }

    /// <summary>The service's error code for the failed operation, such as EntityAlreadyExists.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The service's error message for the failed operation.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>True when the transaction committed.</summary>
    public bool IsOk => Status == TableStatus.Ok;
}
