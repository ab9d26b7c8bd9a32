using System.Text.Json.Nodes;
using Microsoft.Playwright;
using ScenarioEngine.Host.Tests;
using Xunit.Abstractions;

namespace ScenarioEngine.Dashboard.Tests;

[Collection(BrowserCollection.Name)]
public sealed class DashboardCanvasBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string Journey = "post-purchase-cross-sell";

    /// <summary>
    /// Identifies and buys for each customer (6,800 yen: the cross-sell journey's trigger), then waits until the sweeper's
    /// aggregated counts (what the canvas reads) show every customer entered and past the thank-you.
    /// </summary>
    internal static async Task BuyAsync(TestHost host, params string[] customers)
    {
        var events = new JsonArray();
        foreach (var c in customers)
        {
            events.Add(JsonNode.Parse($$$"""{"id":"id-{{{c}}}","type":"identify","customerId":"{{{c}}}","occurredAt":"{{{TestHost.Now(-60)}}}","properties":{"email":"{{{c}}}@example.jp","firstName":"舞{{{c}}}","consent.email":true}}"""));
            events.Add(JsonNode.Parse($$$"""{"id":"buy-{{{c}}}","type":"purchase","customerId":"{{{c}}}","occurredAt":"{{{TestHost.Now(-30)}}}","properties":{"orderId":"o-{{{c}}}","amount":6800}}"""));
        }

        await host.PostEventsAsync(events.ToJsonString());
        await TestHost.WaitUntilAsync(async () =>
        {
            var stats = await TestHost.ReadAsync(await host.Admin.GetAsync($"/api/journeys/{Journey}/counts"));
            var thanks = stats["steps"]!.AsArray().FirstOrDefault(s => s!["stepId"]!.GetValue<string>() == "thanks");
            var done = thanks?["counts"]?["sent"]?.GetValue<int>() + (thanks?["counts"]?["heldOut"]?.GetValue<int>() ?? 0);
            return stats["asOf"] is not null && stats["entered"]!.GetValue<int>() == customers.Length && stats["active"]!.GetValue<int>() == customers.Length
                && (done ?? 0) + stats["holdout"]!.GetValue<int>() >= customers.Length;
        }, TimeSpan.FromSeconds(30), "every customer to enter the journey and get the thank-you");
    }

    [Fact]
    public async Task Canvas_AfterEvents_ShowsLiveCountsOnEachNodeAndTheHeader()
    {
        await using var s = await DashboardSession.StartAsync(browser, output);
        await BuyAsync(s.Host, "c1", "c2", "c3");
        var stats = await TestHost.ReadAsync(await s.Host.Admin.GetAsync($"/api/journeys/{Journey}/counts"));
        Assert.NotNull(stats["asOf"]);
        var sent = stats["steps"]!.AsArray().Single(x => x!["stepId"]!.GetValue<string>() == "thanks")!["counts"]!["sent"]!.GetValue<int>();
        Assert.True(sent >= 1, stats.ToJsonString());

        await s.SignInAsync($"/journeys/{Journey}");

        await Assertions.Expect(s.Page.GetByTestId("canvas")).ToHaveAttributeAsync("data-drawn", "true");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("kpi-entered"), "^開始3$");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("count-(trigger)-entered"), "3");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId($"count-thanks-sent"), $"送信 {sent}$");
        // Every customer waits three days after the thank-you; steps drawn by type.
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("count-wait3d-waiting"), $"待機中 {sent}$");
        await Assertions.Expect(s.Page.GetByTestId("node-bought-again")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("step-waitForEvent"));
        await Assertions.Expect(s.Page.GetByTestId("node-split")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("step-split"));
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("node-split"), "email 50% / line 50%");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("node-who"), "1 case");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("canvas"), "timeout");
        await s.ScreenshotAsync("canvas");
    }

    [Fact]
    public async Task Node_Customer_Why_LeadsFromTheCanvasToTheDecisions()
    {
        await using var s = await DashboardSession.StartAsync(browser, output);
        await BuyAsync(s.Host, "c1");
        await s.SignInAsync($"/journeys/{Journey}");
        await Assertions.Expect(s.Page.GetByTestId("canvas")).ToHaveAttributeAsync("data-drawn", "true");

        await s.Page.GetByTestId("node-wait3d").ClickAsync();
        await s.Page.GetByTestId("customer-c1").ClickAsync();

        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("customer-id"), "c1");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("profile"), "舞c1");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("computed"), "orders.total");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId($"waits-{Journey}"), "時刻まで 20");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("timeline"), "thank-you");

        await s.Page.GetByTestId($"why-{Journey}").ClickAsync();

        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("why"), "entered version 1");
        await s.ScreenshotAsync("customer");
    }

    [Fact]
    public async Task StepCustomers_MoreThanAPage_AreLoadedPageByPage()
    {
        await using var s = await DashboardSession.StartAsync(browser, output);
        var ids = Enumerable.Range(1, 55).Select(i => $"p{i:D2}").ToArray();
        await BuyAsync(s.Host, ids);
        await s.SignInAsync($"/journeys/{Journey}");
        await Assertions.Expect(s.Page.GetByTestId("canvas")).ToHaveAttributeAsync("data-drawn", "true");

        await s.Page.GetByTestId("node-thanks").ClickAsync();
        await s.Page.GetByTestId("through-step").ClickAsync();
        var rows = s.Page.GetByTestId("step-customers").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        await s.Page.GetByTestId("more-customers").ClickAsync();

        await Assertions.Expect(rows).ToHaveCountAsync(55);
        await Assertions.Expect(s.Page.GetByTestId("more-customers")).ToHaveCountAsync(0);
    }
}
