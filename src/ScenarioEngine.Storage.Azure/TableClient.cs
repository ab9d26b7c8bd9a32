using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ScenarioEngine.Storage.Azure;

/// <summary>A thin client for one table of the Table service REST API, on an Azure.Core pipeline with retries and Shared Key Lite.</summary>
public sealed partial class TableClient
{
    /// <summary>The Table service REST version this client speaks.</summary>
    public const string ServiceVersion = "2019-02-02";

    /// <summary>The most operations one entity-group transaction may hold.</summary>
    public const int MaxTransactionActions = 100;

    private const string AcceptJson = "application/json;odata=minimalmetadata";
    private static readonly RequestMethod Merge = new("MERGE");

    private readonly HttpPipeline _pipeline;
    private readonly string _tableUrl;

    /// <summary>Creates a client for a table from a connection string.</summary>
    public TableClient(string connectionString, string tableName, StorageClientOptions? options = null)
        : this(StorageConnectionString.Parse(connectionString), tableName, options)
    {
    }

    /// <summary>Creates a client for a table from a parsed connection string.</summary>
    public TableClient(StorageConnectionString connection, string tableName, StorageClientOptions? options = null)
        : this(
            (connection ?? throw new ArgumentNullException(nameof(connection))).TableEndpoint
                ?? throw new ArgumentException("The connection string has no TableEndpoint.", nameof(connection)),
            connection.AccountName,
            connection.AccountKey,
            tableName,
            options)
    {
    }

    /// <summary>Creates a client for a table at a service endpoint (account host or path-style emulator URI) with an account key.</summary>
    public TableClient(Uri endpoint, string accountName, string accountKey, string tableName, StorageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ValidateTableName(tableName);
        options ??= new StorageClientOptions();
        Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/'));
        Name = tableName;
        _tableUrl = Endpoint.AbsoluteUri.TrimEnd('/') + "/" + tableName;
        var pipelineOptions = new HttpPipelineOptions(options) { RequestFailedDetailsParser = StorageErrorParser.Instance };
        pipelineOptions.PerRetryPolicies.Add(
            new StorageSharedKeyPolicy(accountName, accountKey, SharedKeyScheme.TableSharedKeyLite, ServiceVersion, options.TimeProvider));
        _pipeline = HttpPipelineBuilder.Build(pipelineOptions);
    }

    /// <summary>The Table service endpoint.</summary>
    public Uri Endpoint { get; }

    /// <summary>The table name.</summary>
    public string Name { get; }

    /// <summary>Creates the table; returns true if it was created, false if it already existed.</summary>
    public async Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Post, "/Tables");
        message.Request.Headers.Add("Prefer", "return-no-content");
        SetJsonBody(message.Request, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = Name }));
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            201 or 204 => true,
            409 when StorageErrorParser.ErrorCode(response) == "TableAlreadyExists" => false,
            _ => throw StorageErrorParser.Failure(response),
        };
    }

    /// <summary>Reads one entity; NotFound when the row does not exist.</summary>
    public async Task<TableResult<TableEntity>> GetEntityAsync(
        string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        TableEntity.ValidateKey(partitionKey, nameof(partitionKey));
        TableEntity.ValidateKey(rowKey, nameof(rowKey));
        using var message = CreateMessage(RequestMethod.Get, "/" + Name + EntityKeySegment(partitionKey, rowKey));
        AppendSelect(message.Request, select);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 200)
        {
            using var document = JsonDocument.Parse(response.Content.ToMemory());
            var entity = TableEntityJson.Deserialize(document.RootElement);
            if (response.Headers.ETag is { } etag)
            {
                entity.ETag = etag;
            }

            return new TableResult<TableEntity>(TableStatus.Ok, entity);
        }

        return new TableResult<TableEntity>(ExpectedFailure(response), null);
    }

    /// <summary>Inserts an entity; AlreadyExists when the row exists. Returns the new ETag.</summary>
    public async Task<TableResult> InsertEntityAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var message = CreateMessage(RequestMethod.Post, "/" + Name);
        message.Request.Headers.Add("Prefer", "return-no-content");
        SetJsonBody(message.Request, TableEntityJson.Serialize(entity));
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return WriteResult(response);
    }

    /// <summary>Inserts the entity, or replaces / merges into the stored one, unconditionally.</summary>
    public async Task<TableResult> UpsertEntityAsync(
        TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var message = CreateMessage(MethodFor(mode), "/" + Name + EntityKeySegment(entity.PartitionKey, entity.RowKey));
        SetJsonBody(message.Request, TableEntityJson.Serialize(entity));
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return WriteResult(response);
    }

    /// <summary>Replaces or merges an existing entity if its ETag matches <paramref name="ifMatch"/> (<see cref="ETag.All"/> matches any); NotFound or ConditionFailed otherwise.</summary>
    public async Task<TableResult> UpdateEntityAsync(
        TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        TableTransactionAction.RequireETag(ifMatch);
        using var message = CreateMessage(MethodFor(mode), "/" + Name + EntityKeySegment(entity.PartitionKey, entity.RowKey));
        message.Request.Headers.Add(HttpHeader.Names.IfMatch, ifMatch.ToString());
        SetJsonBody(message.Request, TableEntityJson.Serialize(entity));
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return WriteResult(response);
    }

    /// <summary>Deletes an entity if its ETag matches <paramref name="ifMatch"/> (<see cref="ETag.All"/> matches any); NotFound or ConditionFailed otherwise.</summary>
    public async Task<TableResult> DeleteEntityAsync(
        string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default)
    {
        TableEntity.ValidateKey(partitionKey, nameof(partitionKey));
        TableEntity.ValidateKey(rowKey, nameof(rowKey));
        TableTransactionAction.RequireETag(ifMatch);
        using var message = CreateMessage(RequestMethod.Delete, "/" + Name + EntityKeySegment(partitionKey, rowKey));
        message.Request.Headers.Add(HttpHeader.Names.IfMatch, ifMatch.ToString());
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status == 204 ? new TableResult(TableStatus.Ok, default) : new TableResult(ExpectedFailure(response), default);
    }

    /// <summary>Reads one page of a query; pass the page's continuation token back to read the next page.</summary>
    /// <param name="filter">An OData filter such as <c>PartitionKey eq 'p1'</c>; build literals with <see cref="TableFilter.Literal"/>.</param>
    /// <param name="select">The properties to return (the keys always come back); null for all.</param>
    /// <param name="top">The most entities in the page (1..1000); the service may return fewer, even none, with a continuation.</param>
    /// <param name="continuation">Where to resume; null to start.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<TablePage> QueryAsync(
        string? filter = null,
        IEnumerable<string>? select = null,
        int? top = null,
        TableContinuationToken? continuation = null,
        CancellationToken cancellationToken = default)
    {
        if (top is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(top), top, "top must be between 1 and 1000.");
        }

        using var message = CreateMessage(RequestMethod.Get, "/" + Name + "()");
        var uri = message.Request.Uri;
        if (!string.IsNullOrEmpty(filter))
        {
            uri.AppendQuery("$filter", filter, escapeValue: true);
        }

        AppendSelect(message.Request, select);
        if (top is { } t)
        {
            uri.AppendQuery("$top", t.ToString(System.Globalization.CultureInfo.InvariantCulture), escapeValue: true);
        }

        if (continuation is not null)
        {
            uri.AppendQuery("NextPartitionKey", continuation.NextPartitionKey, escapeValue: true);
            if (continuation.NextRowKey is not null)
            {
                uri.AppendQuery("NextRowKey", continuation.NextRowKey, escapeValue: true);
            }
        }

        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw StorageErrorParser.Failure(response);
        }

        var entities = new List<TableEntity>();
        using (var document = JsonDocument.Parse(response.Content.ToMemory()))
        {
            foreach (var element in document.RootElement.GetProperty("value").EnumerateArray())
            {
                entities.Add(TableEntityJson.Deserialize(element));
            }
        }

        TableContinuationToken? next = null;
        if (response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var nextPartitionKey) && !string.IsNullOrEmpty(nextPartitionKey))
        {
            response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nextRowKey);
            next = new TableContinuationToken(nextPartitionKey, string.IsNullOrEmpty(nextRowKey) ? null : nextRowKey);
        }

        return new TablePage(entities, next);
    }

    /// <summary>Streams every entity matching the query, following continuations page by page.</summary>
    public async IAsyncEnumerable<TableEntity> QueryAllAsync(
        string? filter = null,
        IEnumerable<string>? select = null,
        int? pageSize = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var selected = select?.ToArray();
        TableContinuationToken? continuation = null;
        do
        {
            var page = await QueryAsync(filter, selected, pageSize, continuation, cancellationToken).ConfigureAwait(false);
            foreach (var entity in page.Entities)
            {
                yield return entity;
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    /// <summary>Applies up to 100 operations on distinct rows of one partition atomically: all or nothing.</summary>
    public async Task<TableTransactionResult> SubmitTransactionAsync(
        IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        ValidateTransaction(actions);
        var batchBoundary = "batch_" + Guid.NewGuid().ToString("D");
        var changesetBoundary = "changeset_" + Guid.NewGuid().ToString("D");
        var body = TableBatchFormat.Write(batchBoundary, changesetBoundary, _tableUrl, actions);

        using var message = CreateMessage(RequestMethod.Post, "/$batch");
        message.Request.Headers.SetValue(HttpHeader.Names.ContentType, "multipart/mixed; boundary=" + batchBoundary);
        message.Request.Content = RequestContent.Create(body);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 202)
        {
            throw StorageErrorParser.Failure(response);
        }

        response.Headers.TryGetValue(HttpHeader.Names.ContentType, out var contentType);
        var parts = TableBatchFormat.Read(response.Content.ToString(), contentType ?? string.Empty);
        var failedPart = parts.FindIndex(p => p.Status is < 200 or >= 300);
        if (failedPart < 0)
        {
            if (parts.Count != actions.Count)
            {
                throw new RequestFailedException(
                    response.Status, $"The transaction response holds {parts.Count} results for {actions.Count} operations.");
            }

            var etags = parts.Select(p => p.Headers.TryGetValue("ETag", out var e) ? new ETag(e) : default).ToArray();
            return new TableTransactionResult { Status = TableStatus.Ok, ETags = etags };
        }

        var failed = parts[failedPart];
        var (code, text) = StorageErrorParser.FromJson(failed.Body);
        var index = FailedIndex(text, failed.Headers, parts.Count == actions.Count ? failedPart : null);
        var status = Classify(failed.Status, code);
        if (status is null)
        {
            throw new RequestFailedException(
                failed.Status,
                $"Table transaction operation {index?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} failed with {failed.Status} {code}: {text}",
                code,
                null);
        }

        return new TableTransactionResult
        {
            Status = status.Value,
            FailedIndex = index,
            FailedStatusCode = failed.Status,
            ErrorCode = code,
            ErrorMessage = text,
        };
    }

    internal static string EntityKeySegment(string partitionKey, string rowKey) =>
        $"(PartitionKey='{EscapeKey(partitionKey)}',RowKey='{EscapeKey(rowKey)}')";

    private static string EscapeKey(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    // The service prefixes the failed operation's message with its zero-based index: "1:The specified entity already exists."
    private static int? FailedIndex(string? message, IReadOnlyDictionary<string, string> headers, int? positional)
    {
        if (message is not null && IndexPrefix().Match(message) is { Success: true } match)
        {
            return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (headers.TryGetValue("Content-ID", out var contentId) && int.TryParse(contentId, out var id) && id > 0)
        {
            return id - 1;
        }

        return positional;
    }

    [GeneratedRegex(@"^(\d+):")]
    private static partial Regex IndexPrefix();

    private static TableStatus? Classify(int status, string? errorCode) => status switch
    {
        404 when errorCode != "TableNotFound" => TableStatus.NotFound,
        409 when errorCode == "EntityAlreadyExists" => TableStatus.AlreadyExists,
        412 => TableStatus.ConditionFailed,
        _ => null,
    };

    private static TableStatus ExpectedFailure(Response response) =>
        Classify(response.Status, StorageErrorParser.ErrorCode(response)) ?? throw StorageErrorParser.Failure(response);

    private static TableResult WriteResult(Response response)
    {
        if (response.Status is 201 or 204)
        {
            return new TableResult(TableStatus.Ok, response.Headers.ETag ?? default);
        }

        return new TableResult(ExpectedFailure(response), default);
    }

    private static RequestMethod MethodFor(TableUpdateMode mode) => mode == TableUpdateMode.Merge ? Merge : RequestMethod.Put;

    private static void ValidateTransaction(IReadOnlyList<TableTransactionAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count is 0 or > MaxTransactionActions)
        {
            throw new ArgumentException($"A transaction holds 1 to {MaxTransactionActions} operations, not {actions.Count}.", nameof(actions));
        }

        var partitionKey = actions[0].PartitionKey;
        var rowKeys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < actions.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(actions[i], $"{nameof(actions)}[{i}]");
            if (actions[i].PartitionKey != partitionKey)
            {
                throw new ArgumentException($"Operation {i} is in partition '{actions[i].PartitionKey}', not '{partitionKey}': a transaction spans one partition.", nameof(actions));
            }

            if (!rowKeys.Add(actions[i].RowKey))
            {
                throw new ArgumentException($"Operation {i} repeats row '{actions[i].RowKey}': a transaction touches each row once.", nameof(actions));
            }
        }
    }

    private static void ValidateTableName(string tableName)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        if (!TableNamePattern().IsMatch(tableName) || tableName.Equals("tables", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"'{tableName}' is not a valid table name: 3-63 letters and digits, starting with a letter.", nameof(tableName));
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();

    private static void AppendSelect(Request request, IEnumerable<string>? select)
    {
        if (select is null)
        {
            return;
        }

        // The keys are always selected: an entity without its keys could not be written back.
        var columns = new List<string> { "PartitionKey", "RowKey" };
        columns.AddRange(select.Where(c => c is not ("PartitionKey" or "RowKey")));
        request.Uri.AppendQuery("$select", string.Join(',', columns), escapeValue: true);
    }

    private static void SetJsonBody(Request request, byte[] json)
    {
        request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
        request.Content = RequestContent.Create(json);
    }

    private HttpMessage CreateMessage(RequestMethod method, string path)
    {
        var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath(path, escape: false);
        request.Headers.SetValue(HttpHeader.Names.Accept, AcceptJson);
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        return message;
    }

    private async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return message.Response;
    }
}
