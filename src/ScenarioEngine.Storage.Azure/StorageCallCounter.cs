using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ScenarioEngine.Storage.Azure;

/// <summary>
/// Counts the requests sent to Azure Storage (every attempt, retries included, as the service counts them against its
/// request-rate ceilings), in total and by operation such as <c>table.batch</c> or <c>queue.receive</c>. Benchmarks read it to
/// state storage requests per event. Thread-safe.
/// </summary>
public sealed class StorageCallCounter
{
    private readonly ConcurrentDictionary<string, long> _byOperation = new(StringComparer.Ordinal);
    private long _total;

    /// <summary>Requests sent since creation or the last <see cref="Reset"/>.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>A snapshot of the counts by operation (table.create, table.get, table.query, table.batch, table.write, queue.create, queue.send, queue.receive, queue.delete, queue.update, queue.count, queue.clear).</summary>
    public IReadOnlyDictionary<string, long> Snapshot() =>
        new SortedDictionary<string, long>(_byOperation.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>Sets every count back to zero.</summary>
    public void Reset()
    {
        _byOperation.Clear();
        Interlocked.Exchange(ref _total, 0);
    }

    /// <summary>A pipeline policy that counts each request attempt of a Table client; add it per retry.</summary>
    public HttpPipelinePolicy TablePolicy() => new CountingPolicy(this, table: true);

    /// <summary>A pipeline policy that counts each request attempt of a Queue client; add it per retry.</summary>
    public HttpPipelinePolicy QueuePolicy() => new CountingPolicy(this, table: false);

    /// <summary>
    /// Counts the requests of a client made elsewhere (the Durable Task backend's own blob, queue and table clients): adds the table or
    /// queue policy by the options' type, and for any other client (blobs) one counting <c>blob.read</c> (GET, HEAD) and <c>blob.write</c>.
    /// </summary>
    public void AddTo(ClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        HttpPipelinePolicy policy = options switch
        {
            global::Azure.Data.Tables.TableClientOptions => TablePolicy(),
            global::Azure.Storage.Queues.QueueClientOptions => QueuePolicy(),
            _ => new BlobCountingPolicy(this),
        };
        options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
    }

    /// <summary>Adds one request of an operation.</summary>
    public void Record(string operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        _byOperation.AddOrUpdate(operation, 1, static (_, n) => n + 1);
        Interlocked.Increment(ref _total);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Total} requests: " + string.Join(", ", Snapshot().Select(kv => $"{kv.Key} {kv.Value}"));

    internal static string ClassifyTable(string method, string path)
    {
        var last = path[(path.LastIndexOf('/') + 1)..];
        return method switch
        {
            "POST" when last == "$batch" => "table.batch",
            "POST" when last == "Tables" => "table.create",
            "POST" => "table.write",
            "GET" when last.EndsWith("()", StringComparison.Ordinal) => "table.query",
            "GET" when last.Contains("(PartitionKey=", StringComparison.Ordinal) => "table.get",
            "GET" => "table.other",
            "DELETE" when last.StartsWith("Tables(", StringComparison.Ordinal) => "table.drop",
            _ => "table.write",
        };
    }

    internal static string ClassifyQueue(string method, string path, string query)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var messagesAt = Array.IndexOf(segments, "messages");
        if (messagesAt < 0)
        {
            return method switch
            {
                "PUT" => "queue.create",
                "GET" when query.Contains("comp=metadata", StringComparison.OrdinalIgnoreCase) => "queue.count",
                "DELETE" => "queue.drop",
                _ => "queue.other",
            };
        }

        var hasId = messagesAt < segments.Length - 1;
        return (method, hasId) switch
        {
            ("POST", false) => "queue.send",
            ("GET", false) => "queue.receive",
            ("DELETE", false) => "queue.clear",
            ("DELETE", true) => "queue.delete",
            ("PUT", true) => "queue.update",
            _ => "queue.other",
        };
    }

    internal static string ClassifyBlob(string method) => method is "GET" or "HEAD" ? "blob.read" : "blob.write";

    private sealed class BlobCountingPolicy(StorageCallCounter counter) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => counter.Record(ClassifyBlob(message.Request.Method.Method));
    }

    private sealed class CountingPolicy(StorageCallCounter counter, bool table) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            var request = message.Request;
            var uri = request.Uri.ToUri();
            var path = Uri.UnescapeDataString(uri.AbsolutePath);
            counter.Record(table
                ? ClassifyTable(request.Method.Method, path)
                : ClassifyQueue(request.Method.Method, path, uri.Query));
        }
    }
}
