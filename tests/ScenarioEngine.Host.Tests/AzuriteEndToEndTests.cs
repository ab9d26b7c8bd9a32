using System.Net;
using System.Text.Json.Nodes;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>The host on loopback against Azurite: real HTTP, real Table and Queue storage, the standalone workers, recording channels.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteEndToEndTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Purchase_WaitAndSecondEvent_SendsThanksThenFollowUpThenBranch()
    {
        await using var host = await TestHost.StartAsync(output, TestHost.Settings(azurite.ConnectionString));
        await host.PublishAsync(TestDocuments.FollowUpJourney, TestDocuments.FollowUpMessages);
        var email = host.Recorded("email");

        var identify = await host.Events.PostAsync("/api/customers/c1/identify", TestHost.Json("""{"email":"c1@example.com","firstName":"Mai","consent":{"email":true}}"""));
        Assert.Equal(HttpStatusCode.Accepted, identify.StatusCode);
        await TestHost.WaitUntilAsync(async () => (await host.Admin.GetAsync("/api/customers/c1")).IsSuccessStatusCode, Patience, "the identify to be applied");
        // The thank-you is sent after the purchase is posted, and the follow-up at least PT2S after the thank-you: so at least 2 s
        // after this instant, however late the polling below notices either message.
        var postedAt = DateTimeOffset.UtcNow;
        await host.PostEventsAsync(TestDocuments.Purchase("c1", "p1", "o-42"));

        await TestHost.WaitUntilAsync(() => email.Sent.Count >= 1, Patience, "the thank-you");
        var thanks = email.Sent.First();
        Assert.Equal("e2e-thanks", thanks.MessageId);
        Assert.Equal("Thank you Mai", thanks.Content["subject"]);
        Assert.Equal("<p>Order o-42 for Mai</p>", thanks.Content["html"]);

        await TestHost.WaitUntilAsync(() => email.Sent.Count >= 2, Patience, "the follow-up after the PT2S wait");
        Assert.Equal("e2e-follow", email.Sent.ElementAt(1).MessageId);
        Assert.True(DateTimeOffset.UtcNow - postedAt >= TimeSpan.FromSeconds(2), "the follow-up came before the wait ended");

        await TestHost.WaitUntilAsync(async () =>
        {
            var c = await TestHost.ReadAsync(await host.Admin.GetAsync("/api/customers/c1"));
            return c["journeys"]![0]!["waitingFor"]?["event"]?.GetValue<string>() == "review";
        }, Patience, "the journey to wait for a review");
        await host.PostEventsAsync($$"""{"id":"r1","type":"review","customerId":"c1","occurredAt":"{{TestHost.Now()}}"}""");

        await TestHost.WaitUntilAsync(() => email.Sent.Count >= 3, Patience, "the branch taken on the review event");
        Assert.Equal("e2e-reviewed", email.Sent.ElementAt(2).MessageId);
        var why = await TestHost.ReadAsync(await host.Admin.GetAsync("/api/customers/c1/journeys/e2e-follow-up/why"));
        Assert.Contains(why["decisions"]!.AsArray(), d => d!["stepId"]?.GetValue<string>() == "review" && d["text"]!.GetValue<string>().Contains("reviewed", StringComparison.Ordinal));
        Assert.Equal(3, email.Sent.Select(m => m.IdempotencyKey).Distinct().Count());
    }

    [Fact]
    public async Task TwoHosts_OneStorageAccount_EveryMessageRecordedExactlyOnce()
    {
        var settings = TestHost.Settings(azurite.ConnectionString);
        await using var a = await TestHost.StartAsync(output, settings);
        await using var b = await TestHost.StartAsync(output, settings);
        await a.PublishAsync(TestDocuments.FollowUpJourney, TestDocuments.FollowUpMessages);
        Assert.Equal(HttpStatusCode.OK, (await b.Admin.PostAsync("/api/system/catalog/reload", null)).StatusCode);

        const int customers = 12;
        for (var i = 0; i < customers; i++)
        {
            var host = i % 2 == 0 ? a : b;
            await host.PostEventsAsync($"[{TestDocuments.Identify($"m{i}", $"i{i}")},{TestDocuments.Purchase($"m{i}", $"p{i}")}]");
        }

        IReadOnlyList<Runtime.Sending.OutboundMessage> All() => [.. a.Recorded("email").Sent, .. b.Recorded("email").Sent];
        await TestHost.WaitUntilAsync(() => All().Count >= 2 * customers, TimeSpan.FromSeconds(60), $"{2 * customers} messages (thanks and follow-up per customer)");
        await Task.Delay(TimeSpan.FromSeconds(2));

        var sent = All();
        Assert.Equal(2 * customers, sent.Count);
        Assert.Equal(sent.Count, sent.Select(m => m.IdempotencyKey).Distinct().Count());
        Assert.All(Enumerable.Range(0, customers), i => Assert.Equal(2, sent.Count(m => m.CustomerId == $"m{i}")));
        output.WriteLine($"host A sent {a.Recorded("email").Sent.Count}, host B sent {b.Recorded("email").Sent.Count}");
    }

    [Fact]
    public async Task BadInput_AfterAcceptedEvents_LosesNothingAccepted()
    {
        await using var host = await TestHost.StartAsync(output, TestHost.Settings(azurite.ConnectionString));
        await host.PublishAsync(TestDocuments.OneShotJourney, TestDocuments.ThanksMessage);
        await host.PostEventsAsync($"[{TestDocuments.Identify("k1", "i1")},{TestDocuments.Purchase("k1", "p1")}]");

        var malformed = await host.Events.PostAsync("/api/events", TestHost.Json("{\"type\":"));
        var huge = await host.Events.PostAsync("/api/events", TestHost.Json("[" + string.Join(",", Enumerable.Repeat(TestDocuments.Purchase("k2", "x"), 9000)) + "]"));
        var wrongScope = await host.Events.PutAsync("/api/journeys/one-shot/draft", TestHost.Json(TestDocuments.OneShotJourney));
        await host.PostEventsAsync(TestDocuments.Purchase("k1", "p2"));

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongScope.StatusCode);
        await TestHost.WaitUntilAsync(() => host.Recorded("email").Sent.Count >= 2, Patience, "both purchases' messages");
        var customer = await TestHost.ReadAsync(await host.Admin.GetAsync("/api/customers/k1"));
        Assert.Equal(2, customer["computed"]!["orders.count"]!.GetValue<double>());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin.GetAsync("/api/customers/k2")).StatusCode);
    }

    [Fact]
    public async Task PublishedOnOneHost_SeenByAnotherAfterReload_AndSamplesLoad()
    {
        var settings = TestHost.Settings(azurite.ConnectionString);
        settings["Samples:Load"] = "true";
        settings["Samples:Path"] = Path.Combine(AzuriteFixture.FindRepositoryRoot(), "samples");
        await using var a = await TestHost.StartAsync(output, settings);
        await using var b = await TestHost.StartAsync(output, settings);

        var list = (await TestHost.ReadAsync(await b.Admin.GetAsync("/api/journeys"))).AsArray();
        var samples = Directory.GetFiles(settings["Samples:Path"]!, "*.json", SearchOption.AllDirectories).Count(f => f.Contains("journeys", StringComparison.Ordinal));
        Assert.Equal(samples, list.Count);
        Assert.All(list, j => Assert.Equal([1], j!["versions"]!.AsArray().Select(v => v!.GetValue<int>())));
        var health = await TestHost.ReadAsync(await b.Anonymous.GetAsync("/api/health"));
        Assert.Equal(samples, health["liveJourneys"]!.GetValue<int>());
        Assert.Equal("azure", health["storage"]!.GetValue<string>());
    }
}
