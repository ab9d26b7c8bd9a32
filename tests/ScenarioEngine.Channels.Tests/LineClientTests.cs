namespace ScenarioEngine.Channels.Tests;

public sealed class LineClientTests : IAsyncLifetime
{
    private const string Token = "line-channel-token";
    private const string UserId = "U4af4980629a1b2c3d4e5f60718293a4b";
    private readonly LoopbackServer _server = new();
    private readonly LoopbackHttpClientFactory _http;
    private readonly VirtualRetry _retry = new();

    public LineClientTests() => _http = new LoopbackHttpClientFactory(_server.BaseAddress);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private LineClient Client() => new(_http, new LineOptions { ChannelAccessToken = Token }, _retry.Policy);

    private static ScriptedResponse Ok(string id = "461230966842064897") =>
        new(200, $$"""{"sentMessages":[{"id":"{{id}}","quoteToken":"IStG5h1Tz7b..."}]}""", new Dictionary<string, string> { ["x-line-request-id"] = "req-1" });

    [Fact]
    public void From_SameIdempotencyKey_GivesSameVersion5Uuid()
    {
        var first = LineRetryKey.From("outbox:c-1:post-purchase:thanks");
        var again = LineRetryKey.From("outbox:c-1:post-purchase:thanks");
        var other = LineRetryKey.From("outbox:c-2:post-purchase:thanks");

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal('5', first.ToString()[14]);
        Assert.Contains(first.ToString()[19], "89ab");
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", first.ToString());
    }

    [Fact]
    public void NameBasedUuid_RfcDnsExample_MatchesKnownValue()
    {
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

        Assert.Equal(new Guid("886313e1-3b8a-5372-9b90-0c9aee199e5d"), LineRetryKey.NameBasedUuid(dns, "python.org"));
    }

    [Fact]
    public async Task PushTextAsync_Accepted_PostsDocumentedRequestAndReturnsSentMessageId()
    {
        _server.Enqueue(Ok());
        var key = LineRetryKey.From("ob-1");
        const string text = "山田様、ご購入ありがとうございます！🎉 ｶﾀｶﾅ ＡＢＣ";

        var result = await Client().PushTextAsync(UserId, text, key);

        Assert.Equal(new ChannelResult.Sent("461230966842064897"), result);
        var request = Assert.Single(_server.Requests);
        Assert.Empty(ApiContracts.LinePush(request, Token));
        Assert.Equal(key.ToString(), request.Header("X-Line-Retry-Key"));
        Assert.Equal(UserId, request.Json["to"]!.GetValue<string>());
        Assert.Equal("text", request.Json["messages"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(text, request.Json["messages"]![0]!["text"]!.GetValue<string>());
        Assert.Equal([LineClient.HttpClientName], _http.Names);
    }

    [Fact]
    public async Task PushTextAsync_503Then200_RetriesWithTheSameRetryKey()
    {
        _server.Enqueue(new ScriptedResponse(503, """{"message":"Service unavailable"}"""), Ok());

        var result = await Client().PushTextAsync(UserId, "こんにちは", LineRetryKey.From("ob-2"));

        Assert.IsType<ChannelResult.Sent>(result);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(_server.Requests[0].Header("X-Line-Retry-Key"), _server.Requests[1].Header("X-Line-Retry-Key"));
        Assert.Equal(_server.Requests[0].BodyText, _server.Requests[1].BodyText);
        Assert.Single(_retry.Delays);
    }

    [Fact]
    public async Task PushTextAsync_FirstAttemptTimesOut_RetriesWithTheSameRetryKeyAndSends()
    {
        // LINE accepts a push once per retry key, so a request that may have arrived is repeated inside the call.
        var retry = new VirtualRetry(new RetryOptions { AttemptTimeout = TimeSpan.FromSeconds(1) });
        _server.Enqueue(ScriptedResponse.Stalled, Ok());
        var client = new LineClient(_http, new LineOptions { ChannelAccessToken = Token }, retry.Policy);

        var result = await client.PushTextAsync(UserId, "こんにちは", LineRetryKey.From("ob-timeout"));

        Assert.IsType<ChannelResult.Sent>(result);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(_server.Requests[0].Header("X-Line-Retry-Key"), _server.Requests[1].Header("X-Line-Retry-Key"));
        Assert.Single(retry.Delays);
    }

    [Fact]
    public async Task PushTextAsync_ConnectionDroppedAfterTheRequest_RetriesWithTheSameRetryKeyAndSends()
    {
        await using var dropping = new DroppingServer(drops: 1);
        using var http = new LoopbackHttpClientFactory(dropping.BaseAddress);

        var result = await new LineClient(http, new LineOptions { ChannelAccessToken = Token }, _retry.Policy).PushTextAsync(UserId, "こんにちは", LineRetryKey.From("ob-dropped"));

        Assert.IsType<ChannelResult.Sent>(result);
        Assert.Equal(2, dropping.Requests);
        Assert.Single(_retry.Delays);
    }

    [Fact]
    public async Task PushTextAsync_409ForAcceptedRetryKey_ReturnsSentAlreadyAccepted()
    {
        _server.Enqueue(new ScriptedResponse(409, """{"message":"The retry key is already accepted"}""",
            new Dictionary<string, string> { ["x-line-accepted-request-id"] = "accepted-req-7" }));

        var result = await Client().PushTextAsync(UserId, "こんにちは", LineRetryKey.From("ob-3"));

        Assert.Equal(new ChannelResult.Sent("accepted-req-7", AlreadyAccepted: true), result);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task PushTextAsync_429WithRetryAfter_WaitsThenSends()
    {
        _server.Enqueue(
            new ScriptedResponse(429, """{"message":"Too many requests"}""", new Dictionary<string, string> { ["Retry-After"] = "2" }),
            Ok());

        var result = await Client().PushTextAsync(UserId, "こんにちは", LineRetryKey.From("ob-4"));

        Assert.IsType<ChannelResult.Sent>(result);
        Assert.Equal([TimeSpan.FromSeconds(2)], _retry.Delays);
    }

    [Fact]
    public async Task PushTextAsync_429WithLongRetryAfter_ReturnsRetryAfter()
    {
        _server.Enqueue(new ScriptedResponse(429, """{"message":"Too many requests"}""", new Dictionary<string, string> { ["Retry-After"] = "3600" }));

        var result = await Client().PushTextAsync(UserId, "こんにちは", LineRetryKey.From("ob-5"));

        var retryAfter = Assert.IsType<ChannelResult.RetryAfter>(result);
        Assert.Equal(VirtualRetry.Start.AddHours(1), retryAfter.RetryAt);
        Assert.Contains("Too many requests", retryAfter.Reason, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task PushTextAsync_400_ReturnsFailedWithDetailsAndDoesNotRetry()
    {
        _server.Enqueue(new ScriptedResponse(400,
            """{"message":"The request body has 1 error(s)","details":[{"message":"Length must be between 0 and 5000","property":"messages[0].text"}]}"""));

        var result = await Client().PushTextAsync(UserId, "x", LineRetryKey.From("ob-6"));

        var failed = Assert.IsType<ChannelResult.Failed>(result);
        Assert.Equal(400, failed.StatusCode);
        Assert.Contains(new ProviderError("Length must be between 0 and 5000", "messages[0].text"), failed.Errors);
        Assert.Single(_server.Requests);
        Assert.Empty(_retry.Delays);
    }

    [Fact]
    public async Task PushMessagesAsync_RawArray_IsSentUnchanged()
    {
        _server.Enqueue(Ok("1"));
        const string messages = """[{"type":"text","text":"セール開催中"},{"type":"sticker","packageId":"446","stickerId":"1988"}]""";

        var result = await Client().PushMessagesAsync(UserId, messages, LineRetryKey.From("ob-7"));

        Assert.IsType<ChannelResult.Sent>(result);
        var request = Assert.Single(_server.Requests);
        Assert.Empty(ApiContracts.LinePush(request, Token));
        Assert.Equal(messages, request.Json["messages"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"type":"text","text":"x"}""")]
    [InlineData("[]")]
    [InlineData("""[{"type":"text","text":"1"},{"type":"text","text":"2"},{"type":"text","text":"3"},{"type":"text","text":"4"},{"type":"text","text":"5"},{"type":"text","text":"6"}]""")]
    public async Task PushMessagesAsync_InvalidMessages_ThrowsWithoutCallingLine(string messages)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client().PushMessagesAsync(UserId, messages, LineRetryKey.From("ob-8")));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task PushTextAsync_EmptyRetryKey_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client().PushTextAsync(UserId, "x", default));
    }
}
