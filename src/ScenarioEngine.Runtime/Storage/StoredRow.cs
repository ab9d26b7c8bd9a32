namespace ScenarioEngine.Runtime.Storage;

/// <summary>
/// One stored row: a partition key, a row key, a JSON payload and the ETag it was read with. The payload is text, or the document the
/// row was written with (<see cref="FromDocument"/>), whose text is written only when a provider asks for <see cref="Data"/>: a
/// provider that keeps objects (the in-memory one) hands the document on as it is. Equality compares the text.
/// </summary>
public sealed record StoredRow(string PartitionKey, string RowKey, string Data, string? ETag = null)
{
    private string? _data = Data;

    /// <summary>A row whose payload is a document (never changed once the row holds it).</summary>
    public static StoredRow FromDocument(string partitionKey, string rowKey, RowDocument document, string? etag = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new(partitionKey, rowKey, null!, etag) { Document = document };
    }

    /// <summary>The payload as JSON text (written from the document once, when the row holds one).</summary>
    public string Data
    {
        get => _data ??= Document!.ToJson();
        init
        {
            _data = value;
            Document = null;
        }
    }

    /// <summary>The document the row was made from, or null for a row of text (such as every row a provider of text reads).</summary>
    public RowDocument? Document { get; private init; }

    /// <inheritdoc />
    public bool Equals(StoredRow? other) =>
        other is not null && PartitionKey == other.PartitionKey && RowKey == other.RowKey && ETag == other.ETag && Data == other.Data;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(PartitionKey, RowKey, ETag, Data);
}
