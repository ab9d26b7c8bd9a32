using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Storage.Azure;

/// <summary>
/// The runtime's row store on Azure Table Storage (or Azurite): a row is an entity whose payload is the string property
/// <c>Data</c>, split across <c>Data</c>, <c>Data1</c>, <c>Data2</c>... when longer than a string property holds; every commit is
/// one entity-group transaction (Azure.Data.Tables' <see cref="TableClient.SubmitTransactionAsync"/>), so a batch is atomic and
/// ETag-checked exactly as the in-memory provider's.
/// </summary>
public sealed partial class AzureRowStore : IRowStore
{
    /// <summary>The payload property (and the prefix of its continuation properties Data1, Data2...).</summary>
    public const string DataProperty = "Data";

    /// <summary>The most UTF-16 characters one string property holds (the service's limit is 64 KiB).</summary>
    public const int ChunkChars = 32 * 1024;

    /// <summary>The longest partition or row key, in characters.</summary>
    public const int MaxKeyLength = TableKeys.MaxLength;

    /// <summary>The most writes one entity-group transaction holds.</summary>
    public const int MaxTransactionActions = 100;

    private readonly TableServiceClient _service;
    private readonly ConcurrentDictionary<string, TableClient> _tables = new(StringComparer.Ordinal);

    /// <summary>Creates a store on a Table service client (see <see cref="StorageClients"/>, which also counts its requests).</summary>
    public AzureRowStore(TableServiceClient service)
    {
        _service = service ?? throw new ArgumentNullException(nameof(service));
    }

    /// <summary>The client of a table (created on first use and cached): 3 to 63 letters and digits, starting with a letter.</summary>
    public TableClient Client(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (_tables.TryGetValue(table, out var client))
        {
            return client;
        }

        if (!TableName().IsMatch(table))
        {
            throw new ArgumentException($"\"{table}\" is not a table name: 3 to 63 letters and digits, starting with a letter.", nameof(table));
        }

        return _tables.GetOrAdd(table, _service.GetTableClient(table));
    }

    /// <inheritdoc />
    public Task CreateTableAsync(string table, CancellationToken cancellationToken = default) =>
        Client(table).CreateIfNotExistsAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<StoredRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        ValidateKey(partitionKey, nameof(partitionKey));
        ValidateKey(rowKey, nameof(rowKey));
        var response = await Client(table).GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ToRow(response.Value!) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredRow>> QueryAsync(string table, string partitionKey, string fromRowKey, string toRowKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(fromRowKey);
        ArgumentNullException.ThrowIfNull(toRowKey);
        var rows = new List<StoredRow>();
        if (string.CompareOrdinal(fromRowKey, toRowKey) >= 0)
        {
            return rows;
        }

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {fromRowKey} and RowKey lt {toRowKey}");
        await foreach (var entity in Client(table).QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(ToRow(entity));
        }

        // The service returns row-key order; the sort only guards the contract should an emulator not.
        if (!IsOrdered(rows))
        {
            rows.Sort(static (a, b) => string.CompareOrdinal(a.RowKey, b.RowKey));
        }

        return rows;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredRow> ScanAsync(string table, string rowKeyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rowKeyPrefix);
        string? filter = null;
        if (rowKeyPrefix.Length > 0)
        {
            filter = UpperBound(rowKeyPrefix) is { } upper
                ? TableClient.CreateQueryFilter($"RowKey ge {rowKeyPrefix} and RowKey lt {upper}")
                : TableClient.CreateQueryFilter($"RowKey ge {rowKeyPrefix}");
        }

        await foreach (var entity in Client(table).QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (entity.RowKey.StartsWith(rowKeyPrefix, StringComparison.Ordinal))
            {
                yield return ToRow(entity);
            }
        }
    }

    /// <inheritdoc />
    public async Task<CommitResult> CommitAsync(string table, IReadOnlyList<RowWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count is 0 or > MaxTransactionActions)
        {
            throw new ArgumentException("A batch holds 1 to 100 writes in one partition.", nameof(writes));
        }

        var actions = new TableTransactionAction[writes.Count];
        var rowKeys = new HashSet<string>(writes.Count, StringComparer.Ordinal);
        for (var i = 0; i < writes.Count; i++)
        {
            var row = writes[i].Row;
            ValidateKey(row.PartitionKey, nameof(writes));
            ValidateKey(row.RowKey, nameof(writes));
            if (!string.Equals(row.PartitionKey, writes[0].Row.PartitionKey, StringComparison.Ordinal))
            {
                throw new ArgumentException("A batch holds 1 to 100 writes in one partition.", nameof(writes));
            }

            if (!rowKeys.Add(row.RowKey))
            {
                throw new ArgumentException("A batch may touch each row once (as in Table Storage).", nameof(writes));
            }

            actions[i] = ToAction(writes[i]);
        }

        Response<IReadOnlyList<Response>> responses;
        try
        {
            responses = await Client(table).SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (Outcome(ex) is { } status)
        {
            // The transaction rolled back whole; the service names the write it stopped at (a lone write is index 0 either way).
            var index = ex.FailedTransactionActionIndex ?? (writes.Count == 1 ? 0 : throw new RequestFailedException(
                ex.Status, $"The table transaction failed ({ex.ErrorCode}) without naming the failed write.", ex.ErrorCode, ex));
            return new CommitResult(status, index);
        }

        var etags = new string?[writes.Count];
        var results = responses.Value;
        for (var i = 0; i < writes.Count && i < results.Count; i++)
        {
            etags[i] = writes[i].Kind != WriteKind.Delete && results[i]?.Headers.ETag is { } etag ? etag.ToString() : null;
        }

        return CommitResult.Ok with { ETags = etags };
    }

    // AlreadyExists for an insert of an existing row; ConditionFailed for a stale ETag or a Replace / Delete of a missing row (the port
    // calls both a failed condition, as the in-memory provider does). Anything else is a service failure and stays an exception.
    private static CommitStatus? Outcome(RequestFailedException ex) => (ex.Status, ex.ErrorCode) switch
    {
        (409, "EntityAlreadyExists") => CommitStatus.AlreadyExists,
        (412, _) => CommitStatus.ConditionFailed,
        (404, "ResourceNotFound") => CommitStatus.ConditionFailed,
        _ => null,
    };

    /// <summary>Splits a payload into property values of at most <see cref="ChunkChars"/> characters, never between a surrogate pair.</summary>
    public static IReadOnlyList<string> Split(string data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length <= ChunkChars)
        {
            return [data];
        }

        var chunks = new List<string>();
        var start = 0;
        while (start < data.Length)
        {
            var length = Math.Min(ChunkChars, data.Length - start);
            if (start + length < data.Length && char.IsHighSurrogate(data[start + length - 1]))
            {
                length--;
            }

            chunks.Add(data.Substring(start, length));
            start += length;
        }

        return chunks;
    }

    /// <summary>The entity that stores a row.</summary>
    public static TableEntity ToEntity(StoredRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var entity = new TableEntity(row.PartitionKey, row.RowKey);
        var chunks = Split(row.Data ?? string.Empty);
        for (var i = 0; i < chunks.Count; i++)
        {
            entity[ChunkName(i)] = chunks[i];
        }

        return entity;
    }

    /// <summary>The row an entity stores (its chunks joined), with the entity's ETag.</summary>
    public static StoredRow ToRow(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var first = entity.GetString(DataProperty) ?? string.Empty;
        string data;
        if (entity.GetString(ChunkName(1)) is null)
        {
            data = first;
        }
        else
        {
            var builder = new StringBuilder(first);
            for (var i = 1; entity.GetString(ChunkName(i)) is { } chunk; i++)
            {
                builder.Append(chunk);
            }

            data = builder.ToString();
        }

        return new StoredRow(entity.PartitionKey, entity.RowKey, data, entity.ETag == default ? null : entity.ETag.ToString());
    }

    /// <summary>
    /// Checks a key against the service's rule before sending (<see cref="TableKeys"/>: at most <see cref="MaxKeyLength"/> characters,
    /// 1 KiB of UTF-16, which Azurite enforces too, and none of / \ # ? or control characters). Throws <see cref="ArgumentException"/>.
    /// </summary>
    public static void ValidateKey(string key, string paramName) => TableKeys.Validate(key, paramName);

    private static string ChunkName(int i) => i == 0 ? DataProperty : DataProperty + i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static TableTransactionAction ToAction(RowWrite write)
    {
        var row = write.Row;
        return write.Kind switch
        {
            WriteKind.Insert => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(row)),
            WriteKind.Upsert => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(row)),
            WriteKind.Replace => new TableTransactionAction(
                TableTransactionActionType.UpdateReplace,
                ToEntity(row),
                row.ETag is { } etag ? new ETag(etag) : throw new ArgumentException($"Replace of {row.PartitionKey}/{row.RowKey} needs the ETag the row was read with.", nameof(write))),
            WriteKind.Delete => new TableTransactionAction(
                TableTransactionActionType.Delete, new TableEntity(row.PartitionKey, row.RowKey), row.ETag is { } e ? new ETag(e) : ETag.All),
            _ => throw new ArgumentOutOfRangeException(nameof(write), write.Kind, "unknown write kind"),
        };
    }

    // The least string greater than every string starting with the prefix: the prefix with its last incrementable character bumped.
    private static string? UpperBound(string prefix)
    {
        var chars = prefix.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (char.IsSurrogate(chars[i]) || char.IsSurrogate((char)(chars[i] + 1)))
            {
                return null; // no lone surrogates in a filter: scan from the prefix and stop on the client instead
            }

            if (chars[i] != char.MaxValue)
            {
                chars[i]++;
                return new string(chars, 0, i + 1);
            }
        }

        return null;
    }

    private static bool IsOrdered(List<StoredRow> rows)
    {
        for (var i = 1; i < rows.Count; i++)
        {
            if (string.CompareOrdinal(rows[i - 1].RowKey, rows[i].RowKey) > 0)
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();
}
