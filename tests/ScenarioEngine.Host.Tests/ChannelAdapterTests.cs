using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ScenarioEngine.Channels;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Storage.Adapters;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Host.Tests;

/// <summary>The engine's channel adapters over the provider clients, against fake providers on loopback.</summary>
public sealed class ChannelAdapterTests : IAsyncLifetime
{
    private static readonly RetryPolicy OneAttempt = new(new RetryOptions { MaxAttempts = 1 });
    private FakeProvider _provider = null!;
    private ServiceProvider _services = null!;
    private IHttpClientFactory _http = null!;

    public async Task InitializeAsync()
    {
        _provider = await FakeProvider.StartAsync();
        _services = new ServiceCollection().AddHttpClient().ConfigureHttpClientDefaults(b => b.ConfigureHttpClient(c => c.BaseAddress = _provider.BaseAddress)).BuildServiceProvider();
        _http = _services.GetRequiredService<IHttpClientFactory>();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _provider.DisposeAsync();
    }

    private static OutboundMessage Message(string medium, IReadOnlyDictionary<string, string> content, params (string Key, string Value)[] attributes)
    {
        var profile = new CustomerProfile("c1");
        foreach (var (k, v) in attributes)
        {
            profile.Attributes[k] = Value.From(v);
        }

        return new OutboundMessage("c1", medium, "thank-you", "i|journey:e1|3|thanks", "post-purchase", "thanks", content, profile);
    }

    private SendGridEmailChannel SendGrid(string? defaultFrom = null)
    {
        var options = new SendGridOptions { ApiKey = "SG.test", From = defaultFrom ?? "" };
        return new(new SendGridEmailClient(_http, options, OneAttempt), options);
    }

    [Fact]
    public async Task SendGrid_Accepted_SendsAddressCategoriesAndCustomArgs()
    {
        _provider.Reply = _ => (202, "", new() { ["X-Message-Id"] = "sg-123" });
        var content = new Dictionary<string, string> { ["subject"] = "Thanks", ["html"] = "<p>Hi</p>", ["text"] = "Hi", ["from"] = "Shop <hello@shop.example>", ["unsubscribeGroup"] = "101" };

        var result = await SendGrid().SendAsync(Message(Medium.Email, content, ("email", "mai@example.jp")));

        Assert.Equal(new Delivered("sg-123"), result);
        var body = Assert.Single(_provider.Requests).Json;
        Assert.Equal("mai@example.jp", body["personalizations"]![0]!["to"]![0]!["email"]!.GetValue<string>());
        Assert.Equal("hello@shop.example", body["from"]!["email"]!.GetValue<string>());
        Assert.Equal("Shop", body["from"]!["name"]!.GetValue<string>());
        Assert.Equal(["post-purchase", "post-purchase/thanks"], body["categories"]!.AsArray().Select(c => c!.GetValue<string>()));
        var args = body["custom_args"]!;
        Assert.Equal("i|journey:e1|3|thanks", args["outbox_id"]!.GetValue<string>());
        Assert.Equal("c1", args["customer_id"]!.GetValue<string>());
        Assert.Equal(101, body["asm"]!["group_id"]!.GetValue<int>());
        Assert.Equal("Bearer SG.test", _provider.Requests[0].Headers["Authorization"]);
    }

    [Fact]
    public async Task SendGrid_NoEmailAttribute_RejectedWithoutCallingTheProvider()
    {
        var result = await SendGrid("shop@example.com").SendAsync(Message(Medium.Email, new Dictionary<string, string> { ["subject"] = "s", ["text"] = "t" }));

        Assert.IsType<Rejected>(result);
        Assert.Contains("email", ((Rejected)result).Reason, StringComparison.Ordinal);
        Assert.Empty(_provider.Requests);
    }

    [Fact]
    public async Task SendGrid_BadRequest_Rejected_RateLimit_RetryLater()
    {
        var content = new Dictionary<string, string> { ["subject"] = "s", ["text"] = "t" };
        _provider.Reply = _ => (400, """{"errors":[{"message":"Invalid email","field":"personalizations.0.to"}]}""", null);
        var rejected = await SendGrid("shop@example.com").SendAsync(Message(Medium.Email, content, ("email", "x@example.com")));
        var reset = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _provider.Reply = _ => (429, "", new() { ["X-RateLimit-Reset"] = reset });
        var later = await SendGrid("shop@example.com").SendAsync(Message(Medium.Email, content, ("email", "x@example.com")));

        Assert.Contains("Invalid email", Assert.IsType<Rejected>(rejected).Reason, StringComparison.Ordinal);
        Assert.InRange(Assert.IsType<RetryLater>(later).After, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(6));
    }

    [Fact]
    public async Task Line_Push_CarriesRetryKeyFromIdempotencyKey_AndConflictCountsAsDelivered()
    {
        var channel = new LineChannel(new LineClient(_http, new LineOptions { ChannelAccessToken = "line-token" }, OneAttempt));
        var message = Message(Medium.Line, new Dictionary<string, string> { ["text"] = "こんにちは" }, ("lineUserId", "U123"));
        _provider.Reply = _ => (200, """{"sentMessages":[{"id":"m1"}]}""", null);

        var first = await channel.SendAsync(message);
        _provider.Reply = _ => (409, """{"message":"The retry key is already accepted"}""", new() { ["x-line-accepted-request-id"] = "req-1" });
        var again = await channel.SendAsync(message);

        Assert.Equal(new Delivered("m1"), first);
        Assert.IsType<Delivered>(again);
        Assert.All(_provider.Requests, r => Assert.Equal(LineRetryKey.From(message.IdempotencyKey).ToString(), r.Headers["X-Line-Retry-Key"]));
        Assert.Equal("U123", _provider.Requests[0].Json["to"]!.GetValue<string>());
        Assert.Equal("こんにちは", _provider.Requests[0].Json["messages"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Line_NoUserId_Rejected()
    {
        var channel = new LineChannel(new LineClient(_http, new LineOptions { ChannelAccessToken = "t" }, OneAttempt));

        var result = await channel.SendAsync(Message(Medium.Line, new Dictionary<string, string> { ["text"] = "hi" }));

        Assert.Contains("lineUserId", Assert.IsType<Rejected>(result).Reason, StringComparison.Ordinal);
        Assert.Empty(_provider.Requests);
    }

    [Fact]
    public async Task Webhook_SignedPayloadWithIdempotencyKey_ServerErrorIsRetryLater()
    {
        const string secret = "webhook-secret-0123456789";
        var channel = new WebhookChannel(new WebhookClient(_http, new WebhookOptions { Url = new Uri(_provider.BaseAddress, "hook").AbsoluteUri, Secret = secret }, OneAttempt));
        var message = Message(Medium.Webhook, new Dictionary<string, string> { ["payload"] = """{"customer":"c1","score":3}""" });

        var ok = await channel.SendAsync(message);
        _provider.Reply = _ => (503, "down", null);
        var later = await channel.SendAsync(message);

        Assert.IsType<Delivered>(ok);
        Assert.IsType<RetryLater>(later);
        var request = _provider.Requests[0];
        Assert.Equal("""{"customer":"c1","score":3}""", request.Body);
        Assert.Equal(message.IdempotencyKey, request.Headers[WebhookSignature.IdempotencyKeyHeaderName]);
        Assert.Equal(WebhookSignatureStatus.Valid, WebhookSignature.Verify(secret, request.Headers[WebhookSignature.HeaderName], request.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData(503, ChannelFault.Outage)]
    [InlineData(500, ChannelFault.Outage)]
    [InlineData(429, ChannelFault.None)]
    [InlineData(401, ChannelFault.Authentication)]
    [InlineData(403, ChannelFault.Authentication)]
    [InlineData(400, ChannelFault.None)]
    public async Task Webhook_ProviderAnswer_MapsToTheCircuitBreakersFault(int status, ChannelFault expected)
    {
        var channel = new WebhookChannel(new WebhookClient(_http, new WebhookOptions { Url = new Uri(_provider.BaseAddress, "hook").AbsoluteUri, Secret = "webhook-secret-0123456789" },
            OneAttempt));
        _provider.Reply = _ => (status, "{}", status == 429 ? new() { ["Retry-After"] = "120" } : null);

        var result = await channel.SendAsync(Message(Medium.Webhook, new Dictionary<string, string> { ["payload"] = "{}" }));

        Assert.Equal(expected, CatalogSendChannel.FaultOf(result));
    }

    [Fact]
    public void FaultOf_NetworkErrorAndThrottle_OutageOnlyForTheFailure()
    {
        Assert.Equal(ChannelFault.Outage, CatalogSendChannel.FaultOf(new RetryLater(TimeSpan.FromSeconds(5), "connection refused")));
        Assert.Equal(ChannelFault.None, CatalogSendChannel.FaultOf(new RetryLater(TimeSpan.FromSeconds(5), "HTTP 429") { Throttled = true }));
        Assert.Equal(ChannelFault.None, CatalogSendChannel.FaultOf(new Delivered("p1")));
    }

    [Fact]
    public void DeliveryMapping_MapsEveryOutcome()
    {
        var now = DateTimeOffset.UtcNow;

        Assert.Equal(new Delivered("p1"), DeliveryMapping.ToDelivery(new ChannelResult.Sent("p1"), now));
        Assert.Equal(TimeSpan.FromMinutes(2), Assert.IsType<RetryLater>(DeliveryMapping.ToDelivery(new ChannelResult.RetryAfter(now.AddMinutes(2), "busy"), now)).After);
        Assert.Equal(DeliveryMapping.MinimumRetryDelay, Assert.IsType<RetryLater>(DeliveryMapping.ToDelivery(new ChannelResult.RetryAfter(now.AddMinutes(-2), "late"), now)).After);
        Assert.Equal("no", Assert.IsType<Rejected>(DeliveryMapping.ToDelivery(new ChannelResult.Failed("no"), now)).Reason);
        Assert.True(Assert.IsType<RetryLater>(DeliveryMapping.ToDelivery(new ChannelResult.RetryAfter(now.AddMinutes(2), "429") { Throttled = true }, now)).Throttled);
        Assert.Equal(401, Assert.IsType<Rejected>(DeliveryMapping.ToDelivery(new ChannelResult.Failed("bad key", [], 401), now)).StatusCode);
    }

    [Fact]
    public void Renderer_EscapesHtmlOnly_AndKeepsWebhookJsonValid()
    {
        var renderer = new HandlebarsMessageRenderer(new TemplateRenderer());
        var message = MessageParser.Parse("""
        {
          "id": "m", "email": { "subject": "Hi {{profile.firstName}}", "html": "<b>{{profile.firstName}}</b>", "text": "{{profile.firstName}}", "from": "Shop <s@example.com>" },
          "line": { "text": "{{profile.firstName}} & co" },
          "webhook": { "payload": { "name": "{{profile.firstName}}", "n": 3, "tags": ["{{trigger.orderId}}"] } },
          "postcard": { "fields": { "greeting": "Dear {{profile.firstName}}" } }
        }
        """).Value!;
        var profile = new CustomerProfile("c1") { Attributes = { ["firstName"] = Value.From("<Tom \"T\">") } };
        var data = TemplateData.For(profile, new Dictionary<string, Value> { ["orderId"] = Value.From("o-1") });

        var email = renderer.Render(message, Medium.Email, data);
        var line = renderer.Render(message, Medium.Line, data);
        var webhook = renderer.Render(message, Medium.Webhook, data);
        var postcard = renderer.Render(message, Medium.Postcard, data);

        Assert.Equal("Hi <Tom \"T\">", email["subject"]);
        Assert.Equal("<b>&lt;Tom &quot;T&quot;&gt;</b>", email["html"]);
        Assert.Equal("<Tom \"T\">", email["text"]);
        Assert.Equal("Shop <s@example.com>", email["from"]);
        Assert.Equal("<Tom \"T\"> & co", line["text"]);
        var payload = JsonDocument.Parse(webhook["payload"]).RootElement;
        Assert.Equal("<Tom \"T\">", payload.GetProperty("name").GetString());
        Assert.Equal(3, payload.GetProperty("n").GetInt32());
        Assert.Equal("o-1", payload.GetProperty("tags")[0].GetString());
        Assert.Equal("Dear <Tom \"T\">", postcard["fields.greeting"]);
    }

    [Fact]
    public void ParseAddress_NameAndBare()
    {
        Assert.Equal(new EmailAddress("a@b.c", "Shop"), SendGridEmailChannel.ParseAddress("Shop <a@b.c>"));
        Assert.Equal(new EmailAddress("a@b.c"), SendGridEmailChannel.ParseAddress(" a@b.c "));
        Assert.Null(SendGridEmailChannel.ParseAddress(" "));
    }
}
