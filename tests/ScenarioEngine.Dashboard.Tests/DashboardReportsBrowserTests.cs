using System.Text;
using Microsoft.Playwright;
using ScenarioEngine.Host.Tests;
using Xunit.Abstractions;

namespace ScenarioEngine.Dashboard.Tests;

[Collection(BrowserCollection.Name)]
public sealed class DashboardReportsBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Reports_AfterPurchasesAndNps_ShowTheGridDecilesNpsAndRanking()
    {
        await using var s = await DashboardSession.StartAsync(browser, output, samples: false);
        // Ten buyers: customer k bought k times, 1,000 yen each, the last k days ago; two NPS answers.
        var json = new StringBuilder("[");
        for (var k = 1; k <= 10; k++)
        {
            for (var n = 0; n < k; n++)
            {
                json.Append($$$"""{"id":"b{{{k}}}-{{{n}}}","type":"purchase","customerId":"b{{{k:D2}}}","occurredAt":"{{{TestHost.Now(-86_400 * (k + n * 3))}}}","properties":{"orderId":"o{{{k}}}-{{{n}}}","amount":1000}},""");
            }
        }

        json.Append($$$"""{"id":"nps1","type":"nps.response","customerId":"b01","occurredAt":"{{{TestHost.Now(-100)}}}","properties":{"score":10}},""");
        json.Append($$$"""{"id":"nps2","type":"nps.response","customerId":"b02","occurredAt":"{{{TestHost.Now(-100)}}}","properties":{"score":3}}]""");
        await s.Host.PostEventsAsync(json.ToString());
        await TestHost.WaitUntilAsync(async () =>
            (await TestHost.ReadAsync(await s.Host.Admin.GetAsync("/api/reports/deciles")))["totalRevenue"]!.GetValue<decimal>() == 55_000m
            && (await TestHost.ReadAsync(await s.Host.Admin.GetAsync("/api/reports/nps")))["overall"]!["total"]!.GetValue<int>() == 2,
            TimeSpan.FromSeconds(30), "the purchases and answers to be applied");

        await s.SignInAsync("/reports");

        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("deciles-total"), "顧客数 10 · 売上 55,000");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("nps-overall"), "NPS 0 \\(2\\)");
        // Every buyer is in one cell of the grid: the cells add up to ten customers and 55,000 yen.
        var cells = s.Page.GetByTestId("rfm-grid").Locator("td b");
        await Assertions.Expect(cells).ToHaveCountAsync(25);
        var total = 0;
        foreach (var text in await cells.AllInnerTextsAsync())
        {
            total += int.Parse(text, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.Equal(10, total);
        // b10 bought most often and most recently of the frequent buyers: rank 1 on frequency.
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("ranking"), "b10");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("clv-unavailable"), "データが不足しています");
        await Assertions.Expect(s.Page.GetByTestId("deciles").Locator(".recharts-bar-rectangle")).Not.ToHaveCountAsync(0);
        await s.ScreenshotAsync("reports");
    }

    [Fact]
    public async Task SegmentExport_Click_DownloadsTheCsvWithTheKeyInAHeader()
    {
        await using var s = await DashboardSession.StartAsync(browser, output);
        await s.SignInAsync("/reports");

        var download = await s.Page.RunAndWaitForDownloadAsync(() => s.Page.GetByTestId("export-champions").ClickAsync());

        Assert.Equal("champions.csv", download.SuggestedFilename);
        var path = await download.PathAsync();
        Assert.StartsWith("email,extern_id", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
        Assert.DoesNotContain(s.RequestedUrls, u => u.Contains(TestHost.AdminKey, StringComparison.Ordinal));
    }
}
