using Azure;

namespace ScenarioEngine.Storage.Azure;

/// <summary>The expected outcomes of a table operation; anything else is a <see cref="RequestFailedException"/>.</summary>
public enum TableStatus
{
    /// <summary>The operation succeeded.</summary>
    Ok,

    /// <summary>The entity does not exist (404).</summary>
    NotFound,

    /// <summary>The entity already exists (409 EntityAlreadyExists).</summary>
    AlreadyExists,

    /// <summary>The entity's ETag did not match (412 UpdateConditionNotSatisfied).</summary>
    ConditionFailed,
}

/// <summary>How a write treats the properties already stored: replace them all, or merge into them.</summary>
public enum TableUpdateMode
{
    /// <summary>The stored entity is replaced; properties not sent are removed.</summary>
    Replace,

    /// <summary>The sent properties are merged into the stored entity.</summary>
    Merge,
}

/// <summary>The outcome of a table write: a status and, when Ok, the entity's new ETag (default for deletes).</summary>
public readonly record struct TableResult(TableStatus Status, ETag ETag)
{
    /// <summary>True when <see cref="Status"/> is <see cref="TableStatus.Ok"/>.</summary>
    public bool IsOk => Status == TableStatus.Ok;
}

/// <summary>The outcome of a table read: a status and, when Ok, the value.</summary>
public readonly record struct TableResult<T>(TableStatus Status, T? Value)
    where T : class
{
    /// <summary>True when <see cref="Status"/> is <see cref="TableStatus.Ok"/>.</summary>
    public bool IsOk => Status == TableStatus.Ok;
}

/// <summary>An opaque position in a query result set, from the x-ms-continuation-NextPartitionKey/NextRowKey headers.</summary>
public sealed record TableContinuationToken(string NextPartitionKey, string? NextRowKey);

/// <summary>One page of a query: its entities and the token for the next page, null on the last page.</summary>
public sealed record TablePage(IReadOnlyList<TableEntity> Entities, TableContinuationToken? Continuation);

/// <summary>Helpers for writing OData filter expressions safely.</summary>
public static class TableFilter
{
    /// <summary>Quotes a string as an OData literal, doubling single quotes (use for every value placed in a filter).</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }
}
