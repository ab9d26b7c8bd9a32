using System.Globalization;
using System.Text.Json.Nodes;

namespace ScenarioEngine.Channels.Tests;

public sealed class SendGridEmailClientTests : IAsyncLifetime
{
    private const string ApiKey = "SG.test-key";
    private readonly LoopbackServer _server = new();
    private readonly LoopbackHttpClientFactory _http;
    private readonly ListLogger _log = new();
    private readonly VirtualRetry _retry;

    public SendGridEmailClientTests()
    {
        _http = new LoopbackHttpClientFactory(_server.BaseAddress);
        _retry = new VirtualRetry(new RetryOptions { MaxAttempts = 4, AttemptTimeout = TimeSpan.FromSeconds(10) }, logger: _log);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private SendGridEmailClient Client(int maxRecipients = SendGridEmailClient.MaxPersonalizations) =>
        new(_http, new SendGridOptions { ApiKey = ApiKey }, _retry.Policy, maxRecipients);

    private static ScriptedResponse Accepted(string messageId) =>
        new(202, Headers: new Dictionary<string, string> { ["X-Message-Id"] = messageId });

    private static EmailRecipient Recipient(int i) => new()
    {
        To = new EmailAddress($"customer{i}@example.jp", $"顧客 {i}"),
        CustomArgs = new Dictionary<string, string> { ["outbox_id"] = $"ob-{i}", ["customer_id"] = $"c-{i}" },
    };

    private static EmailMessage ContentMessage(int recipients = 1) => new()
    {
        From = new EmailAddress("shop@example.jp", "サンプル商店"),
        ReplyTo = new EmailAddress("support@example.jp"),
        Recipients = Enumerable.Range(0, recipients).Select(Recipient).ToList(),
        Subject = "ご購入ありがとうございます",
        Html = "<p>山田様、ありがとうございます。</p>",
        Text = "山田様、ありがとうございます。",
        Categories = ["journey:post-purchase", "step:thanks"],
        CustomArgs = new Dictionary<string, string> { ["journey_id"] = "post-purchase" },
        AsmGroupId = 4242,
    };

    [Fact]
    public async Task SendAsync_ContentMessage_PostsDocumentedRequestAndReturnsMessageId()
    {
        _server.Enqueue(Accepted("msg-abc123"));

        var result = await Client().SendAsync(ContentMessage());

        Assert.Equal(new ChannelResult.Sent("msg-abc123"), result);
        var request = Assert.Single(_server.Requests);
        Assert.Empty(ApiContracts.SendGridMailSend(request, ApiKey));
        var body = request.Json;
        Assert.Equal("customer0@example.jp", body["personalizations"]![0]!["to"]![0]!["email"]!.GetValue<string>());
        Assert.Equal("顧客 0", body["personalizations"]![0]!["to"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("ob-0", body["personalizations"]![0]!["custom_args"]!["outbox_id"]!.GetValue<string>());
        Assert.Equal("c-0", body["personalizations"]![0]!["custom_args"]!["customer_id"]!.GetValue<string>());
        Assert.Equal("shop@example.jp", body["from"]!["email"]!.GetValue<string>());
        Assert.Equal("support@example.jp", body["reply_to"]!["email"]!.GetValue<string>());
        Assert.Equal("ご購入ありがとうございます", body["subject"]!.GetValue<string>());
        Assert.Equal(["text/plain", "text/html"], body["content"]!.AsArray().Select(c => c!["type"]!.GetValue<string>()));
        Assert.Equal("<p>山田様、ありがとうございます。</p>", body["content"]![1]!["value"]!.GetValue<string>());
        Assert.Equal(["journey:post-purchase", "step:thanks"], body["categories"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("post-purchase", body["custom_args"]!["journey_id"]!.GetValue<string>());
        Assert.Equal(4242, body["asm"]!["group_id"]!.GetValue<int>());
        Assert.Null(body["template_id"]);
        Assert.StartsWith("sendgrid/", request.Header("User-Agent"), StringComparison.Ordinal);
        Assert.Equal([SendGridEmailClient.HttpClientName], _http.Names);
    }

    [Fact]
    public async Task SendAsync_DynamicTemplate_SendsTemplateIdWithMergedPerRecipientData()
    {
        _server.Enqueue(Accepted("msg-tpl"));
        var message = new EmailMessage
        {
            From = new EmailAddress("shop@example.jp"),
            TemplateId = "d-0123456789abcdef",
            TemplateData = new Dictionary<string, object?> { ["shop"] = "サンプル商店", ["greeting"] = "こんにちは" },
            Recipients =
            [
                new EmailRecipient
                {
                    To = new EmailAddress("a@example.jp"),
                    TemplateData = new Dictionary<string, object?>
                    {
                        ["greeting"] = "おかえりなさい",
                        ["profile"] = new Dictionary<string, object?> { ["name"] = "山田 太郎" },
                        ["points"] = 1200,
                    },
                },
                new EmailRecipient { To = new EmailAddress("b@example.jp") },
            ],
        };

        var result = await Client().SendAsync(message);

        Assert.IsType<ChannelResult.Sent>(result);
        var request = Assert.Single(_server.Requests);
        Assert.Empty(ApiContracts.SendGridMailSend(request, ApiKey));
        var body = request.Json;
        Assert.Equal("d-0123456789abcdef", body["template_id"]!.GetValue<string>());
        Assert.Null(body["content"]);
        var first = body["personalizations"]![0]!["dynamic_template_data"]!;
        Assert.Equal("おかえりなさい", first["greeting"]!.GetValue<string>());
        Assert.Equal("サンプル商店", first["shop"]!.GetValue<string>());
        Assert.Equal("山田 太郎", first["profile"]!["name"]!.GetValue<string>());
        Assert.Equal(1200, first["points"]!.GetValue<int>());
        Assert.Equal("こんにちは", body["personalizations"]![1]!["dynamic_template_data"]!["greeting"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendAsync_TemplateDataParsedFromJson_SentAsTheSameValues()
    {
        // The email channel parses a message's templateData with System.Text.Json; the SDK serializes with Json.NET.
        _server.Enqueue(Accepted("msg-json"));
        var data = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(
            """{"name":"山田","points":1200,"rate":1.10,"since":"2025-03-01T09:00:00+09:00","vip":true,"tags":["a","b"],"nested":{"rank":"gold"},"none":null}""")!;
        var message = new EmailMessage
        {
            From = new EmailAddress("shop@example.jp"),
            TemplateId = "d-json",
            TemplateData = data,
            Recipients = [new EmailRecipient { To = new EmailAddress("a@example.jp") }],
        };

        await Client().SendAsync(message);

        var sent = Assert.Single(_server.Requests).Json["personalizations"]![0]!["dynamic_template_data"]!;
        Assert.Equal("山田", sent["name"]!.GetValue<string>());
        Assert.Equal(1200, sent["points"]!.GetValue<int>());
        Assert.Equal("1.10", sent["rate"]!.ToJsonString());
        Assert.Equal("2025-03-01T09:00:00+09:00", sent["since"]!.GetValue<string>());
        Assert.True(sent["vip"]!.GetValue<bool>());
        Assert.Equal(["a", "b"], sent["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("gold", sent["nested"]!["rank"]!.GetValue<string>());
        Assert.Null(sent["none"]);
    }

    [Fact]
    public async Task SendAsync_Substitutions_SentPerPersonalization()
    {
        _server.Enqueue(Accepted("msg-sub"));
        var message = new EmailMessage
        {
            From = new EmailAddress("shop@example.jp"),
            Subject = "-name-様へ",
            Text = "-name-様、-points-ポイントです。",
            Recipients =
            [
                new EmailRecipient
                {
                    To = new EmailAddress("a@example.jp"),
                    Substitutions = new Dictionary<string, string> { ["-name-"] = "佐藤", ["-points-"] = "300" },
                },
            ],
        };

        await Client().SendAsync(message);

        var request = Assert.Single(_server.Requests);
        Assert.Empty(ApiContracts.SendGridMailSend(request, ApiKey));
        Assert.Equal("佐藤", request.Json["personalizations"]![0]!["substitutions"]!["-name-"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendBatchesAsync_2001Recipients_SendsThreeRequestsOfAtMost1000Personalizations()
    {
        var counter = 0;
        _server.Handler = _ => Accepted($"msg-{Interlocked.Increment(ref counter)}");

        var results = await Client().SendBatchesAsync(ContentMessage(2001));

        Assert.Equal([(0, 1000), (1000, 1000), (2000, 1)], results.Select(r => (r.FirstRecipient, r.RecipientCount)));
        Assert.Equal(["msg-1", "msg-2", "msg-3"], results.Select(r => Assert.IsType<ChannelResult.Sent>(r.Result).ProviderMessageId));
        Assert.Equal(3, _server.Requests.Count);
        foreach (var request in _server.Requests)
        {
            Assert.Empty(ApiContracts.SendGridMailSend(request, ApiKey));
        }

        var sizes = _server.Requests.Select(r => r.Json["personalizations"]!.AsArray().Count).Order().ToList();
        Assert.Equal([1, 1000, 1000], sizes);
        var allOutboxIds = _server.Requests
            .SelectMany(r => r.Json["personalizations"]!.AsArray())
            .Select(p => p!["custom_args"]!["outbox_id"]!.GetValue<string>())
            .ToHashSet();
        Assert.Equal(2001, allOutboxIds.Count);
    }

    [Fact]
    public async Task SendAsync_MoreRecipientsThanOneRequestCarries_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client(maxRecipients: 2).SendAsync(ContentMessage(3)));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task SendAsync_400WithErrors_ReturnsFailedWithParsedErrorsAndDoesNotRetry()
    {
        _server.Enqueue(new ScriptedResponse(400, """{"errors":[{"message":"The from email does not contain a valid address.","field":"from.email","help":"http://sendgrid.com/docs"},{"message":"Invalid type.","field":"asm.group_id"}]}"""));

        var result = await Client().SendAsync(ContentMessage());

        var failed = Assert.IsType<ChannelResult.Failed>(result);
        Assert.Equal(400, failed.StatusCode);
        Assert.Equal(
            [new ProviderError("The from email does not contain a valid address.", "from.email"), new ProviderError("Invalid type.", "asm.group_id")],
            failed.Errors);
        Assert.Contains("from.email", failed.Reason, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
        Assert.Empty(_retry.Delays);
        Assert.Contains(_log.Entries, e => e.EventId == 3000 && e.Message.Contains("from.email", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_401_ReturnsFailedWithoutRetry()
    {
        _server.Enqueue(new ScriptedResponse(401, """{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked","field":null}]}"""));

        var failed = Assert.IsType<ChannelResult.Failed>(await Client().SendAsync(ContentMessage()));

        Assert.Equal(401, failed.StatusCode);
        Assert.Null(Assert.Single(failed.Errors).Field);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task SendAsync_429WithRateLimitReset_WaitsUntilResetThenSends()
    {
        var reset = VirtualRetry.Start.AddSeconds(3).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        _server.Enqueue(
            new ScriptedResponse(429, """{"errors":[{"field":null,"message":"too many requests"}]}""", new Dictionary<string, string>
            {
                ["X-RateLimit-Limit"] = "600",
                ["X-RateLimit-Remaining"] = "0",
                ["X-RateLimit-Reset"] = reset,
            }),
            Accepted("msg-after-reset"));

        var result = await Client().SendAsync(ContentMessage());

        Assert.Equal(new ChannelResult.Sent("msg-after-reset"), result);
        Assert.Equal([TimeSpan.FromSeconds(3)], _retry.Delays);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_429WithFarReset_ReturnsRetryAfterAtTheResetTime()
    {
        var reset = VirtualRetry.Start.AddMinutes(30);
        _server.Enqueue(new ScriptedResponse(429, """{"errors":[{"field":null,"message":"too many requests"}]}""",
            new Dictionary<string, string> { ["X-RateLimit-Reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) }));

        var result = await Client().SendAsync(ContentMessage());

        var retryAfter = Assert.IsType<ChannelResult.RetryAfter>(result);
        Assert.Equal(reset, retryAfter.RetryAt);
        Assert.Contains("too many requests", retryAfter.Reason, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
        Assert.Empty(_retry.Delays);
        Assert.Contains(_log.Entries, e => e.EventId == 3002);
    }

    [Fact]
    public async Task SendAsync_503Then202_RetriesOnceAfterBackoffAndSends()
    {
        _server.Enqueue(new ScriptedResponse(503, "Service Unavailable"), Accepted("msg-second-try"));

        var result = await Client().SendAsync(ContentMessage());

        Assert.Equal(new ChannelResult.Sent("msg-second-try"), result);
        Assert.Equal(2, _server.Requests.Count);
        Assert.InRange(Assert.Single(_retry.Delays), TimeSpan.Zero, new RetryOptions().BaseDelay);
        Assert.Equal(_server.Requests[0].BodyText, _server.Requests[1].BodyText);
        var retried = Assert.Single(_log.Entries, e => e.EventId == 3001);
        Assert.Contains("SendGrid HTTP 503", retried.Message, StringComparison.Ordinal);
        Assert.All(_log.Entries, e => Assert.DoesNotContain(ApiKey, e.Message, StringComparison.Ordinal));
        Assert.All(_log.Entries, e => Assert.DoesNotContain("@example.jp", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_500EveryTime_StopsAfterMaxAttemptsWithRetryAfter()
    {
        _server.Handler = _ => new ScriptedResponse(500, """{"errors":[{"message":"internal error"}]}""");

        var result = await Client().SendAsync(ContentMessage());

        Assert.IsType<ChannelResult.RetryAfter>(result);
        Assert.Equal(4, _server.Requests.Count);
        Assert.Equal(3, _retry.Delays.Count);
        Assert.Contains(_log.Entries, e => e.EventId == 3003);
    }

    [Fact]
    public async Task SendAsync_SendGridNeverAnswers_SendsOneRequestAndReturnsUnanswered()
    {
        // A real wait: a 2 s attempt timeout (long enough for the request to reach the server on a busy machine) against a server that never answers.
        var retry = new VirtualRetry(new RetryOptions { AttemptTimeout = TimeSpan.FromSeconds(2) }, logger: _log);
        _server.Handler = _ => ScriptedResponse.Stalled;
        var client = new SendGridEmailClient(_http, new SendGridOptions { ApiKey = ApiKey }, retry.Policy);

        var result = await client.SendAsync(ContentMessage());

        Assert.Equal(new ChannelResult.Unanswered("SendGrid did not answer within 2 s"), result);
        Assert.Single(_server.Requests);
        Assert.Empty(retry.Delays);
        Assert.Contains(_log.Entries, e => e.EventId == 3005);
    }

    [Fact]
    public async Task SendAsync_ConnectionDroppedAfterTheRequest_SendsOneRequestAndReturnsUnanswered()
    {
        await using var dropping = new DroppingServer(drops: 4, answerStatus: 202);
        using var http = new LoopbackHttpClientFactory(dropping.BaseAddress);

        var result = await new SendGridEmailClient(http, new SendGridOptions { ApiKey = ApiKey }, _retry.Policy).SendAsync(ContentMessage());

        Assert.StartsWith("SendGrid request failed after it was sent", Assert.IsType<ChannelResult.Unanswered>(result).Reason, StringComparison.Ordinal);
        Assert.Equal(1, dropping.Requests);
        Assert.Empty(_retry.Delays);
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_ReturnsRetryAfterAfterBoundedAttempts()
    {
        var retry = new VirtualRetry(new RetryOptions { MaxAttempts = 2 });
        await _server.DisposeAsync();
        var client = new SendGridEmailClient(_http, new SendGridOptions { ApiKey = ApiKey }, retry.Policy);

        var result = await client.SendAsync(ContentMessage());

        Assert.Contains("SendGrid request failed", Assert.IsType<ChannelResult.RetryAfter>(result).Reason, StringComparison.Ordinal);
        Assert.Single(retry.Delays);
    }

    [Fact]
    public async Task SendBatchesAsync_RateLimitedOnSecondRequest_DoesNotAttemptTheRest()
    {
        var reset = VirtualRetry.Start.AddHours(1);
        _server.Enqueue(
            Accepted("msg-1"),
            new ScriptedResponse(429, """{"errors":[{"message":"too many requests"}]}""",
                new Dictionary<string, string> { ["X-RateLimit-Reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) }));

        var results = await Client(maxRecipients: 2).SendBatchesAsync(ContentMessage(5));

        Assert.Equal(3, results.Count);
        Assert.IsType<ChannelResult.Sent>(results[0].Result);
        Assert.Equal(reset, Assert.IsType<ChannelResult.RetryAfter>(results[1].Result).RetryAt);
        Assert.Equal(reset, Assert.IsType<ChannelResult.RetryAfter>(results[2].Result).RetryAt);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_ContentAndTemplateTogether_ThrowsWithoutCallingSendGrid()
    {
        var message = new EmailMessage
        {
            From = new EmailAddress("shop@example.jp"),
            Recipients = [Recipient(1)],
            Subject = "s",
            Html = "<p>x</p>",
            TemplateId = "d-1",
        };

        await Assert.ThrowsAsync<ArgumentException>(() => Client().SendAsync(message));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void Validate_SubstitutionsWithDynamicTemplate_Throws()
    {
        var message = new EmailMessage
        {
            From = new EmailAddress("shop@example.jp"),
            TemplateId = "d-1",
            Recipients = [new EmailRecipient { To = new EmailAddress("a@example.jp"), Substitutions = new Dictionary<string, string> { ["-x-"] = "y" } }],
        };

        Assert.Throws<ArgumentException>(message.Validate);
    }

    [Fact]
    public void Validate_ElevenCategories_Throws()
    {
        var message = new EmailMessage
        {
            From = new EmailAddress("shop@example.jp"),
            Recipients = [Recipient(1)],
            Subject = "s",
            Text = "t",
            Categories = Enumerable.Range(0, 11).Select(i => $"c{i}").ToList(),
        };

        Assert.Throws<ArgumentException>(message.Validate);
    }

    [Fact]
    public void ParseErrors_NonJsonBody_KeepsTheText()
    {
        Assert.Equal([new ProviderError("<html>Bad Gateway</html>")], SendGridEmailClient.ParseErrors("<html>Bad Gateway</html>"));
        Assert.Empty(SendGridEmailClient.ParseErrors(""));
    }

    [Fact]
    public void BuildMessage_OnlyText_OmitsHtmlContent()
    {
        var message = new EmailMessage { From = new EmailAddress("shop@example.jp"), Recipients = [Recipient(1)], Subject = "s", Text = "t" };

        var body = JsonNode.Parse(SendGridEmailClient.BuildMessage(message, 0, 1).Serialize())!;

        var content = Assert.Single(body["content"]!.AsArray());
        Assert.Equal("text/plain", content!["type"]!.GetValue<string>());
        Assert.Null(body["asm"]);
        Assert.Null(body["reply_to"]);
    }
}
