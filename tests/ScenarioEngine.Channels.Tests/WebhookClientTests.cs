namespace ScenarioEngine.Channels.Tests;

public sealed class WebhookClientTests : IAsyncLifetime
{
    private const string Secret = "whsec_test";
    private readonly LoopbackServer _server = new();
    private readonly LoopbackHttpClientFactory _http = new(null);
    private readonly VirtualRetry _retry = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private WebhookClient Client() =>
        new(_http, new WebhookOptions { Url = new Uri(_server.BaseAddress, "hooks/crm").AbsoluteUri, Secret = Secret }, _retry.Policy);

    [Fact]
    public async Task SendAsync_Accepted_PostsSignedBodyWithIdempotencyKey()
    {
        _server.Enqueue(new ScriptedResponse(204));
        const string body = """{"customer":"c-1","name":"山田 太郎","segment":"champions"}""";

        var result = await Client().SendAsync(body, "ob-1");

        Assert.IsType<ChannelResult.Sent>(result);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/crm", request.Path);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("ob-1", request.Header("X-ScenarioEngine-Idempotency-Key"));
        Assert.Equal(body, request.BodyText);
        var signature = request.Header("X-ScenarioEngine-Signature");
        Assert.Matches("^t=[0-9]+,v1=[0-9a-f]{64}$", signature);
        Assert.Equal(WebhookSignatureStatus.Valid,
            WebhookSignature.Verify(Secret, signature, request.Body, _retry.Time.GetUtcNow(), WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public async Task SendAsync_429ThenRetry_ResignsWithTheTimeOfTheNewAttempt()
    {
        _server.Enqueue(
            new ScriptedResponse(429, "slow down", new Dictionary<string, string> { ["Retry-After"] = "5" }),
            new ScriptedResponse(200));

        var result = await Client().SendAsync("{}", "ob-2");

        Assert.IsType<ChannelResult.Sent>(result);
        var stamps = _server.Requests.Select(r => long.Parse(r.Header("X-ScenarioEngine-Signature")!.Split(',')[0][2..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(stamps[0] + 5, stamps[1]);
        Assert.All(_server.Requests, r => Assert.Equal("ob-2", r.Header("X-ScenarioEngine-Idempotency-Key")));
    }

    [Fact]
    public async Task SendAsync_503Then200_Retries()
    {
        _server.Enqueue(new ScriptedResponse(503), new ScriptedResponse(200));

        Assert.IsType<ChannelResult.Sent>(await Client().SendAsync("{}", "ob-3"));
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_FirstAttemptTimesOut_RetriesWithTheSameKeyAndSends()
    {
        // The receiver is told to de-duplicate by the key header, so a request that may have arrived is repeated inside the call.
        var retry = new VirtualRetry(new RetryOptions { AttemptTimeout = TimeSpan.FromSeconds(1) });
        _server.Enqueue(ScriptedResponse.Stalled, new ScriptedResponse(200));
        var client = new WebhookClient(_http, new WebhookOptions { Url = new Uri(_server.BaseAddress, "hooks/crm").AbsoluteUri, Secret = Secret }, retry.Policy);

        var result = await client.SendAsync("{}", "ob-timeout");

        Assert.IsType<ChannelResult.Sent>(result);
        Assert.Equal(2, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Equal("ob-timeout", r.Header("X-ScenarioEngine-Idempotency-Key")));
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_RetriesThenReturnsRetryAfter()
    {
        await _server.DisposeAsync();

        var result = await Client().SendAsync("{}", "ob-refused");

        Assert.Contains("Webhook request failed", Assert.IsType<ChannelResult.RetryAfter>(result).Reason, StringComparison.Ordinal);
        Assert.Equal(3, _retry.Delays.Count);
    }

    [Fact]
    public async Task SendAsync_400_ReturnsFailedWithoutRetry()
    {
        _server.Enqueue(new ScriptedResponse(400, """{"error":"unknown customer"}"""));

        var failed = Assert.IsType<ChannelResult.Failed>(await Client().SendAsync("{}", "ob-4"));

        Assert.Equal(400, failed.StatusCode);
        Assert.Equal("""{"error":"unknown customer"}""", Assert.Single(failed.Errors).Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public void Sign_KnownInput_MatchesIndependentHmac()
    {
        // Expected value computed outside .NET: HMAC-SHA256("whsec_test", "1700000000." + body), hex.
        var header = WebhookSignature.Sign(Secret, """{"order":"A-1","name":"山田"}""", DateTimeOffset.FromUnixTimeSeconds(1700000000));

        Assert.Equal("t=1700000000,v1=31ed62408b0e339105006d6de9895219e4cebf1e44a551bff26a566f2ad50f3a", header);
    }

    [Fact]
    public void Verify_Cases_GiveTheExpectedStatus()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1700000000);
        const string body = """{"order":"A-1"}""";
        var header = WebhookSignature.Sign(Secret, body, at);
        var tolerance = TimeSpan.FromMinutes(5);

        Assert.Equal(WebhookSignatureStatus.Valid, WebhookSignature.Verify(Secret, header, body, at.AddMinutes(4), tolerance));
        Assert.Equal(WebhookSignatureStatus.Invalid, WebhookSignature.Verify(Secret, header, """{"order":"A-2"}""", at, tolerance));
        Assert.Equal(WebhookSignatureStatus.Invalid, WebhookSignature.Verify("other-secret", header, body, at, tolerance));
        Assert.Equal(WebhookSignatureStatus.Stale, WebhookSignature.Verify(Secret, header, body, at.AddMinutes(6), tolerance));
        Assert.Equal(WebhookSignatureStatus.Missing, WebhookSignature.Verify(Secret, null, body, at, tolerance));
        Assert.Equal(WebhookSignatureStatus.Malformed, WebhookSignature.Verify(Secret, "v1=abc", body, at, tolerance));
        Assert.Equal(WebhookSignatureStatus.Malformed, WebhookSignature.Verify(Secret, "t=1700000000", body, at, tolerance));
        Assert.Equal(WebhookSignatureStatus.Malformed, WebhookSignature.Verify(Secret, "garbage", body, at, tolerance));
    }

    [Fact]
    public void Verify_RotatedSecrets_AcceptsAnyMatchingV1()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1700000000);
        var current = WebhookSignature.Sign(Secret, "{}", at);
        var old = WebhookSignature.Sign("old-secret", "{}", at);
        var both = old + "," + current.Split(',')[1];

        Assert.Equal(WebhookSignatureStatus.Valid, WebhookSignature.Verify(Secret, both, "{}", at, TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData("/hooks")]
    [InlineData("ftp://hooks.example/in")]
    public void Constructor_NotAnAbsoluteHttpUrl_Throws(string url)
    {
        Assert.Throws<ArgumentException>(() => new WebhookClient(_http, new WebhookOptions { Url = url, Secret = Secret }));
    }

    [Fact]
    public async Task SendAsync_AsksTheFactoryForTheWebhookClient()
    {
        _server.Enqueue(new ScriptedResponse(204));

        await Client().SendAsync("{}", "ob-1");

        Assert.Equal([WebhookClient.HttpClientName], _http.Names);
    }
}
