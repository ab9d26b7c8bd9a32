using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using ScenarioEngine.Storage.Azure;

namespace ScenarioEngine.Storage.Azure.Tests;

public sealed class StorageSharedKeyPolicyTests
{
    private static readonly DateTimeOffset Now = new(2023, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task SharedKey_QueuePutMessageOnPathStyleEndpoint_MatchesKnownSignature()
    {
        // Expected value computed independently (Python hmac/sha256) over the Shared Key string-to-sign:
        // "POST\n\n\n60\n\napplication/xml; charset=utf-8\n\n\n\n\n\n\nx-ms-date:Mon, 02 Jan 2023 03:04:05 GMT\n
        //  x-ms-version:2018-03-28\n/devstoreaccount1/devstoreaccount1/myqueue/messages\nmessagettl:-1\nvisibilitytimeout:5"
        var (pipeline, handler) = Build(SharedKeyScheme.SharedKey, "2018-03-28");
        using var message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Post;
        message.Request.Uri.Reset(new Uri("http://127.0.0.1:10001/devstoreaccount1/myqueue/messages?visibilitytimeout=5&messagettl=-1"));
        message.Request.Headers.SetValue("Content-Type", "application/xml; charset=utf-8");
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes("<QueueMessage><MessageText>aGk=</MessageText></QueueMessage>"));

        await pipeline.SendAsync(message, CancellationToken.None);

        Assert.Equal("SharedKey devstoreaccount1:bcmmgh/x3xyaDyRY285muPdgsSqMVX1Sg+QT99KQDbU=", handler.Authorization);
        Assert.Equal("Mon, 02 Jan 2023 03:04:05 GMT", handler.Header("x-ms-date"));
        Assert.Equal("2018-03-28", handler.Header("x-ms-version"));
    }

    [Fact]
    public async Task TableSharedKeyLite_EntityOnPathStyleEndpoint_SignsAccountTwiceInResource()
    {
        // Shared Key Lite for Table: date + "\n" + "/account" + path; Azurite's path already starts with /devstoreaccount1.
        const string StringToSign = "Mon, 02 Jan 2023 03:04:05 GMT\n/devstoreaccount1/devstoreaccount1/mytable(PartitionKey='p%201',RowKey='r')";
        var expected = Convert.ToBase64String(HMACSHA256.HashData(
            Convert.FromBase64String(StorageConnectionString.DevelopmentAccountKey), Encoding.UTF8.GetBytes(StringToSign)));
        Assert.Equal("Vp5c8VgWgtro28rK0YYcycgf+Rp0eb22NoUBpvPQiAA=", expected);
        var (pipeline, handler) = Build(SharedKeyScheme.TableSharedKeyLite, "2019-02-02");
        using var message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri("http://127.0.0.1:10002/devstoreaccount1/mytable(PartitionKey='p%201',RowKey='r')?$select=a"));

        await pipeline.SendAsync(message, CancellationToken.None);

        Assert.Equal("SharedKeyLite devstoreaccount1:" + expected, handler.Authorization);
    }

    [Fact]
    public async Task SharedKey_EachAttempt_StampsCurrentDate()
    {
        var clock = new FixedClock(Now);
        var handler = new CapturingHandler();
        var policy = new StorageSharedKeyPolicy("acct", StorageConnectionString.DevelopmentAccountKey, SharedKeyScheme.SharedKey, "2018-03-28", clock);
        var pipeline = new HttpPipeline(new HttpClientTransport(new HttpClient(handler)), [policy]);

        using (var first = pipeline.CreateMessage())
        {
            first.Request.Uri.Reset(new Uri("https://acct.queue.core.windows.net/q"));
            await pipeline.SendAsync(first, CancellationToken.None);
        }

        var firstAuthorization = handler.Authorization;
        clock.Now = Now.AddMinutes(1);
        using (var second = pipeline.CreateMessage())
        {
            second.Request.Uri.Reset(new Uri("https://acct.queue.core.windows.net/q"));
            await pipeline.SendAsync(second, CancellationToken.None);
        }

        Assert.Equal("Mon, 02 Jan 2023 03:05:05 GMT", handler.Header("x-ms-date"));
        Assert.NotEqual(firstAuthorization, handler.Authorization);
    }

    private static (HttpPipeline Pipeline, CapturingHandler Handler) Build(SharedKeyScheme scheme, string version)
    {
        var handler = new CapturingHandler();
        var policy = new StorageSharedKeyPolicy("devstoreaccount1", StorageConnectionString.DevelopmentAccountKey, scheme, version, new FixedClock(Now));
        return (new HttpPipeline(new HttpClientTransport(new HttpClient(handler)), [policy]), handler);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class CapturingHandler : HttpMessageHandler
    {
        private HttpRequestMessage? _last;

        public string? Authorization => _last?.Headers.Authorization?.ToString();

        public string? Header(string name) =>
            _last is not null && _last.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _last = request;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) });
        }
    }
}
