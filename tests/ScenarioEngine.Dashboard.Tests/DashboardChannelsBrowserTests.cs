using Microsoft.Playwright;
using ScenarioEngine.Host.Tests;
using Xunit.Abstractions;

namespace ScenarioEngine.Dashboard.Tests;

[Collection(BrowserCollection.Name)]
public sealed class DashboardChannelsBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string HookJourney = """
    {
      "id": "hook-per-purchase", "name": "A webhook per purchase",
      "trigger": { "event": "purchase" },
      "reentry": { "mode": "always" },
      "start": "hook",
      "steps": {
        "hook": { "type": "send", "medium": "webhook", "message": "hook", "next": "done" },
        "done": { "type": "exit" }
      }
    }
    """;

    private const string HookMessage = """{ "id": "hook", "webhook": { "payload": { "order": "{{trigger.orderId}}" } } }""";

    [Fact]
    public async Task Channels_WebhookAnswering500_CircuitOpensOnThePageAndInHealth_ThenClosesWhenTheEndpointRecovers()
    {
        await using var endpoint = await FakeProvider.StartAsync();
        endpoint.Reply = _ => (500, "{}", null);
        await using var s = await DashboardSession.StartAsync(browser, output, samples: false, extra: new Dictionary<string, string?>
        {
            ["Webhook:Url"] = new Uri(endpoint.BaseAddress, "hook").AbsoluteUri,
            ["Webhook:Secret"] = "webhook-secret-0123456789",
            ["Sending:Circuit:FailureThreshold"] = "2",
            // Long enough that the page (read every 5 s) and /api/health both see it open before the first trial send.
            ["Sending:Circuit:CoolDown"] = "00:00:10",
        });
        await s.Host.PublishAsync(HookJourney, HookMessage);
        await s.SignInAsync("/");
        var webhook = s.Page.GetByTestId("channel-webhook");
        await Assertions.Expect(webhook).ToHaveAttributeAsync("data-state", "closed");

        await s.Host.PostEventsAsync($"[{TestDocuments.Purchase("c1", "p1")},{TestDocuments.Purchase("c2", "p2")}]");

        await Assertions.Expect(webhook).ToHaveAttributeAsync("data-state", "open", new LocatorAssertionsToHaveAttributeOptions { Timeout = 30_000 });
        await DashboardSession.ExpectTextAsync(webhook, "停止中");
        await DashboardSession.ExpectTextAsync(webhook, "HTTP 500");
        await Assertions.Expect(s.Page.GetByTestId("channels-degraded")).ToBeVisibleAsync();
        var health = await TestHost.ReadAsync(await s.Host.Anonymous.GetAsync("/api/health"));
        Assert.Equal("degraded", health["status"]!.GetValue<string>());
        var hook = health["channels"]!.AsArray().Single(c => c!["medium"]!.GetValue<string>() == "webhook")!;
        Assert.Contains(hook["state"]!.GetValue<string>(), new[] { "open", "halfOpen" });
        Assert.True(hook["consecutiveFailures"]!.GetValue<int>() >= 2);
        Assert.NotNull(hook["retryAt"]);
        var calls = endpoint.Requests.Count;

        endpoint.Reply = _ => (200, "{}", null);

        await Assertions.Expect(webhook).ToHaveAttributeAsync("data-state", "closed", new LocatorAssertionsToHaveAttributeOptions { Timeout = 60_000 });
        await DashboardSession.ExpectTextAsync(webhook, "正常");
        await Assertions.Expect(s.Page.GetByTestId("channels-degraded")).ToHaveCountAsync(0);
        Assert.Equal("ok", (await TestHost.ReadAsync(await s.Host.Anonymous.GetAsync("/api/health")))["status"]!.GetValue<string>());
        await TestHost.WaitUntilAsync(() => endpoint.Requests.Count >= calls + 2, TimeSpan.FromSeconds(30), "both held webhooks sent after the recovery");
        Assert.Empty(s.ConsoleErrors);
    }
}
