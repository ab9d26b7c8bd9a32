using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ScenarioEngine.Channels;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Runtime.Engine;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>POST /api/webhooks/sendgrid: signed posts become customer events, applied once.</summary>
public sealed class SendGridWebhookTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        var settings = TestHost.Memory();
        settings["SendGrid:WebhookPublicKey"] = Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());
        _host = await TestHost.StartAsync(output, settings);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _key.Dispose();
    }

    private HttpRequestMessage Signed(string body, bool tamper = false)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = _key.SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/sendgrid") { Content = TestHost.Json(tamper ? body + " " : body) };
        request.Headers.Add(SendGridEventWebhook.SignatureHeader, Convert.ToBase64String(signature));
        request.Headers.Add(SendGridEventWebhook.TimestampHeader, timestamp);
        return request;
    }

    private static string Events(long ts) => $$$"""
    [
      {"email":"c1@example.com","timestamp":{{{ts}}},"event":"bounce","type":"bounce","reason":"550 no such user","sg_event_id":"ev-1","sg_message_id":"m1.filter","outbox_id":"o|k1","customer_id":"c1","journey_id":"j","step_id":"s"},
      {"email":"c1@example.com","timestamp":{{{ts}}},"event":"processed","sg_event_id":"ev-2","customer_id":"c1"},
      {"email":"x@example.com","timestamp":{{{ts}}},"event":"open","sg_event_id":"ev-3"}
    ]
    """;

    [Fact]
    public async Task SignedPost_MapsEventsAndSuppressesEmailOnBounce_OnceOnRepost()
    {
        var body = Events(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var response = await _host.Anonymous.SendAsync(Signed(body));
        var again = await _host.Anonymous.SendAsync(Signed(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var receipt = await TestHost.ReadAsync(response);
        Assert.Equal(3, receipt["received"]!.GetValue<int>());
        Assert.Equal(1, receipt["accepted"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var engine = _host.Services.GetRequiredService<JourneyEngine>();
        await TestHost.WaitUntilAsync(() => engine.Metrics.EventsApplied + engine.Metrics.Duplicates >= 2, TimeSpan.FromSeconds(10), "both posts");
        Assert.Equal(1, engine.Metrics.EventsApplied);
        var customer = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/customers/c1"));
        Assert.StartsWith("bounce", customer["profile"]!["suppressed"]!["email"]!.GetValue<string>(), StringComparison.Ordinal);
        var timeline = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/customers/c1/timeline"));
        Assert.Contains(timeline["entries"]!.AsArray(), e => e!["text"]!.GetValue<string>() == "email.bounced");
    }

    [Fact]
    public async Task SignedPost_KeepsTheConfirmationsOfSendsByKeyOnceAndTheRefusalWins()
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = $$$"""
        [
          {"email":"c2@example.com","timestamp":{{{ts}}},"event":"processed","sg_event_id":"ev-p","outbox_id":"i2/1/a","customer_id":"c2"},
          {"email":"c2@example.com","timestamp":{{{ts}}},"event":"dropped","reason":"Bounced Address","sg_event_id":"ev-d","outbox_id":"i2/1/b","customer_id":"c2"},
          {"email":"c2@example.com","timestamp":{{{ts}}},"event":"open","sg_event_id":"ev-o","outbox_id":"i2/1/c","customer_id":"c2"},
          {"email":"c2@example.com","timestamp":{{{ts}}},"event":"processed","sg_event_id":"ev-n","outbox_id":"i2/1/d"}
        ]
        """;
        var bounce = $$$"""
        [{"email":"c2@example.com","timestamp":{{{ts + 5}}},"event":"bounce","type":"bounce","reason":"550","sg_event_id":"ev-b","outbox_id":"i2/1/a","customer_id":"c2"}]
        """;

        var first = await _host.Anonymous.SendAsync(Signed(body));
        var again = await _host.Anonymous.SendAsync(Signed(body));
        var confirmations = _host.Services.GetRequiredService<ISendConfirmations>();
        var processed = await confirmations.FindAsync("c2", "i2/1/a");
        var later = await _host.Anonymous.SendAsync(Signed(bounce));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal(new SendConfirmation("c2", "i2/1/a", "SendGrid", "processed", DateTimeOffset.FromUnixTimeSeconds(ts)), processed);
        Assert.Equal("bounce", (await confirmations.FindAsync("c2", "i2/1/a"))!.ProviderEvent);
        Assert.Equal("dropped", (await confirmations.FindAsync("c2", "i2/1/b"))!.ProviderEvent);
        Assert.Null(await confirmations.FindAsync("c2", "i2/1/c"));
        Assert.Null(await confirmations.FindAsync("c2", "i2/1/d"));
    }

    [Fact]
    public async Task UnsignedOrTamperedPost_Returns401AndIngestsNothing()
    {
        var body = Events(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var unsigned = await _host.Anonymous.PostAsync("/api/webhooks/sendgrid", TestHost.Json(body));
        var tampered = await _host.Anonymous.SendAsync(Signed(body, tamper: true));

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Equal(0, _host.Services.GetRequiredService<JourneyEngine>().Metrics.EventsAccepted);
    }

    [Fact]
    public async Task NotConfigured_Returns404()
    {
        await using var plain = await TestHost.StartAsync(output, TestHost.Memory());

        var response = await plain.Anonymous.PostAsync("/api/webhooks/sendgrid", TestHost.Json("[]"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
