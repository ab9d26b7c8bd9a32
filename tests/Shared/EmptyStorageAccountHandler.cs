using System.Net;
using System.Net.Http.Headers;

namespace ScenarioEngine.Testing;

/// <summary>
/// A fake HTTP transport for the Azure Storage clients that answers as an empty account would (reads find nothing, creates succeed)
/// and records every request, so a test can check where each went and with which Authorization header, without a network.
/// </summary>
public sealed class EmptyStorageAccountHandler : HttpMessageHandler
{
    private readonly List<StorageRequest> _requests = [];

    /// <summary>The requests so far, in order.</summary>
    public IReadOnlyList<StorageRequest> Requests()
    {
        lock (_requests)
        {
            return [.. _requests];
        }
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        lock (_requests)
        {
            _requests.Add(new StorageRequest(request.Method.Method, uri, request.Headers.Authorization?.ToString()));
        }

        HttpResponseMessage response;
        if (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
        {
            response = new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new ByteArrayContent([]) };
            response.Headers.Add("x-ms-error-code", "ResourceNotFound");
        }
        else if (request.Method == HttpMethod.Post)
        {
            // Only the Table service takes POSTs here (create a table, insert an entity); both answers are JSON.
            response = new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent("""{"TableName":"t"}""") };
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        else
        {
            response = new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent([]) };
        }

        response.Headers.ETag = new EntityTagHeaderValue("\"0x1\"");
        response.Content.Headers.LastModified = DateTimeOffset.UnixEpoch;
        return Task.FromResult(response);
    }
}
