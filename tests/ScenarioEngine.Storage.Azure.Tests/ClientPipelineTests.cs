using System.Net;
using System.Text;
using Azure;
using Azure.Core.Pipeline;
using ScenarioEngine.Storage.Azure;

namespace ScenarioEngine.Storage.Azure.Tests;

/// <summary>Client behaviour against a scripted loopback-free transport: retries, and the service's documented transaction error shape.</summary>
public sealed class ClientPipelineTests
{
    private static readonly Uri Endpoint = new("https://shop.table.core.windows.net");

    [Fact]
    public async Task InsertEntity_Transient503ThenSuccess_IsRetriedAndResignedByPipeline()
    {
        var handler = new ScriptedHandler(
            () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("") },
            () => NoContentWithETag("W/\"datetime'2024-01-01T00%3A00%3A00Z'\""));
        var table = new TableClient(Endpoint, "shop", StorageConnectionString.DevelopmentAccountKey, "orders", Options(handler));

        var result = await table.InsertEntityAsync(new TableEntity("p", "r") { ["A"] = 1 });

        Assert.Equal(TableStatus.Ok, result.Status);
        Assert.Equal(new ETag("W/\"datetime'2024-01-01T00%3A00%3A00Z'\""), result.ETag);
        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.StartsWith("SharedKeyLite shop:", r.Headers.Authorization?.ToString(), StringComparison.Ordinal));
        Assert.All(handler.Requests, r => Assert.Equal("2019-02-02", r.Headers.GetValues("x-ms-version").Single()));
    }

    [Fact]
    public async Task InsertEntity_Conflict_IsAResultAndNotRetried()
    {
        var handler = new ScriptedHandler(() => Json(HttpStatusCode.Conflict,
            "{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"The specified entity already exists.\"}}}"));
        var table = new TableClient(Endpoint, "shop", StorageConnectionString.DevelopmentAccountKey, "orders", Options(handler));

        var result = await table.InsertEntityAsync(new TableEntity("p", "r"));

        Assert.Equal(TableStatus.AlreadyExists, result.Status);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task GetEntity_BadRequest_ThrowsWithServiceErrorCodeAndMessage()
    {
        var handler = new ScriptedHandler(() => Json(HttpStatusCode.BadRequest,
            "{\"odata.error\":{\"code\":\"OutOfRangeInput\",\"message\":{\"lang\":\"en-US\",\"value\":\"One of the request inputs is out of range.\"}}}"));
        var table = new TableClient(Endpoint, "shop", StorageConnectionString.DevelopmentAccountKey, "orders", Options(handler));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityAsync("p", "r"));

        Assert.Equal(400, error.Status);
        Assert.Equal("OutOfRangeInput", error.ErrorCode);
        Assert.Contains("out of range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitTransaction_DocumentedErrorResponseWithoutContentId_NamesIndexFromMessage()
    {
        // Shape of the sample error response in "Performing entity group transactions": one changeset part, index in the message.
        const string Body =
            "--batchresponse_7ab1c3ea\r\n" +
            "Content-Type: multipart/mixed; boundary=changesetresponse_5a8e\r\n\r\n" +
            "--changesetresponse_5a8e\r\n" +
            "Content-Type: application/http\r\n" +
            "Content-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 404 Not Found\r\n" +
            "X-Content-Type-Options: nosniff\r\n" +
            "DataServiceVersion: 3.0;\r\n" +
            "Content-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n\r\n" +
            "{\"odata.error\":{\"code\":\"ResourceNotFound\",\"message\":{\"lang\":\"en-US\",\"value\":\"2:The specified resource does not exist.\\nRequestId:1\\nTime:2024-01-01T00:00:00Z\"}}}\r\n" +
            "--changesetresponse_5a8e--\r\n" +
            "--batchresponse_7ab1c3ea--\r\n";
        var (handler, table) = TransactionAnswering(Body, "batchresponse_7ab1c3ea");

        var result = await table.SubmitTransactionAsync(
        [
            TableTransactionAction.Insert(new TableEntity("p", "a")),
            TableTransactionAction.Insert(new TableEntity("p", "b")),
            TableTransactionAction.Delete("p", "c", ETag.All),
        ]);

        Assert.Equal(TableStatus.NotFound, result.Status);
        Assert.Equal(2, result.FailedIndex);
        Assert.Equal(404, result.FailedStatusCode);
        Assert.Equal("ResourceNotFound", result.ErrorCode);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("https://shop.table.core.windows.net/$batch", request.RequestUri!.AbsoluteUri);
        Assert.StartsWith("multipart/mixed; boundary=batch_", request.Content!.Headers.GetValues("Content-Type").Single(), StringComparison.Ordinal);
        Assert.Contains("DELETE https://shop.table.core.windows.net/orders(PartitionKey='p',RowKey='c') HTTP/1.1\r\n", handler.Bodies[0], StringComparison.Ordinal);
        Assert.Contains("If-Match: *\r\n", handler.Bodies[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitTransaction_JapaneseData_SentAsUtf8AndEachETagRead()
    {
        const string Body =
            "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_1\r\n\r\n" +
            "--changesetresponse_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 204 No Content\r\nETag: W/\"datetime'1'\"\r\n\r\n\r\n" +
            "--changesetresponse_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 204 No Content\r\nETag: W/\"datetime'2'\"\r\n\r\n\r\n" +
            "--changesetresponse_1--\r\n--batchresponse_1--\r\n";
        var (handler, table) = TransactionAnswering(Body, "batchresponse_1");

        var result = await table.SubmitTransactionAsync(
        [
            TableTransactionAction.Insert(new TableEntity("p", "a") { ["Data"] = "{\"subject\":\"ご注文 <b>ありがとう</b>\"}" }),
            TableTransactionAction.Update(new TableEntity("p", "b") { ["Data"] = "x" }, new ETag("W/\"datetime'0'\"")),
        ]);

        Assert.Equal(TableStatus.Ok, result.Status);
        Assert.Equal([new ETag("W/\"datetime'1'\""), new ETag("W/\"datetime'2'\"")], result.ETags);
        // The text goes as UTF-8, escaped only as JSON requires (not as \uXXXX, twice the bytes).
        Assert.Contains("\"Data\":\"{\\\"subject\\\":\\\"ご注文 <b>ありがとう</b>\\\"}\"", handler.Bodies[0], StringComparison.Ordinal);
        Assert.Contains("PUT https://shop.table.core.windows.net/orders(PartitionKey='p',RowKey='b') HTTP/1.1\r\n", handler.Bodies[0], StringComparison.Ordinal);
        Assert.EndsWith("--batch_" + handler.Bodies[0].Split("--batch_")[1][..36] + "--\r\n", handler.Bodies[0], StringComparison.Ordinal);
    }

    /// <summary>A table client whose every request gets a 202 with this multipart body, as a transaction's answer.</summary>
    private static (ScriptedHandler Handler, TableClient Table) TransactionAnswering(string body, string boundary)
    {
        var handler = new ScriptedHandler(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new StringContent(body, Encoding.UTF8) };
            response.Content.Headers.Remove("Content-Type");
            response.Content.Headers.TryAddWithoutValidation("Content-Type", "multipart/mixed; boundary=" + boundary);
            return response;
        });
        return (handler, new TableClient(Endpoint, "shop", StorageConnectionString.DevelopmentAccountKey, "orders", Options(handler)));
    }

    private static StorageClientOptions Options(HttpMessageHandler handler)
    {
        var options = new StorageClientOptions { Transport = new HttpClientTransport(new HttpClient(handler)) };
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
        return options;
    }

    private static HttpResponseMessage NoContentWithETag(string etag)
    {
        var response = new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) };
        response.Headers.TryAddWithoutValidation("ETag", etag);
        return response;
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private sealed class ScriptedHandler(params Func<HttpResponseMessage>[] responses) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            Bodies.Add(request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken));
            return responses[Math.Min(Requests.Count - 1, responses.Length - 1)]();
        }
    }
}
