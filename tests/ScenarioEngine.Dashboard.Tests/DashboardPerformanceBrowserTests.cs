using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;
using Xunit.Abstractions;

namespace ScenarioEngine.Dashboard.Tests;

[Collection(BrowserCollection.Name)]
public sealed class DashboardPerformanceBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string Journey = "post-purchase-cross-sell";
    private const int Customers = 100_000;

    /// <summary>
    /// Writes the journey's aggregated counts row (what the counts job writes and the canvas reads) for <paramref name="customers"/>
    /// customers, instead of running that many journeys: a tenth held out, a fifth waiting three days, a fifth waiting for a
    /// purchase, the rest through the branch, split and sends to the exit. Returns the figures the canvas must show.
    /// </summary>
    internal static async Task<(int Waiting3d, int Sent, int Exited)> SeedCountsAsync(IServiceProvider services, int customers)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
        var (waiting3d, waitingPurchase, holdout, converted) = (0, 0, 0, 0);
        for (var i = 0; i < customers; i++)
        {
            var heldOut = i % 10 == 0;
            holdout += heldOut ? 1 : 0;
            converted += !heldOut && i % 7 == 0 ? 1 : 0;
            Add("thanks.entered");
            Add(heldOut ? "thanks.heldOut" : "thanks.sent");
            Add("wait3d.entered");
            switch (i % 5)
            {
                case 0:
                    waiting3d++;
                    break;
                case 1:
                    Add("bought-again.entered");
                    waitingPurchase++;
                    break;
                default:
                    foreach (var step in new[] { "bought-again", "who", "split", i % 2 == 0 ? "mail" : "line-or-mail", "done" })
                    {
                        Add(step + ".entered");
                    }

                    Add(i % 2 == 0 ? "mail.sent" : "line-or-mail.entered");
                    Add("(exit).completed");
                    break;
            }
        }

        var doc = new JourneyStatsDoc(DateTimeOffset.UtcNow, customers, waiting3d + waitingPurchase, holdout, converted, 0, counts,
            new Dictionary<string, int>(StringComparer.Ordinal),
            new Dictionary<string, int>(StringComparer.Ordinal) { ["wait3d"] = waiting3d, ["bought-again"] = waitingPurchase });
        var store = services.GetRequiredService<IRowStore>();
        var table = services.GetRequiredService<JourneyEngine>().Options.StatsTable;
        await store.CommitAsync(table, [new RowWrite(WriteKind.Upsert, new StoredRow(Journey, JourneyStatsDoc.RowKey, Codec.Write(doc)))]);
        return (waiting3d, counts["thanks.sent"], counts["(exit).completed"]);
    }

    [Fact]
    public async Task Canvas_CountsOfAHundredThousandCustomers_DrawFromOneRequest()
    {
        await using var s = await DashboardSession.StartAsync(browser, output, extra: new Dictionary<string, string?> { ["Engine:Workers"] = "false" });
        var (waiting3d, sent, exited) = await SeedCountsAsync(s.Host.Services, Customers);
        await s.SignInAsync();
        var apiRequests = new List<string>();
        s.Page.Request += (_, r) =>
        {
            if (r.Url.Contains("/api/", StringComparison.Ordinal))
            {
                apiRequests.Add(new Uri(r.Url).AbsolutePath);
            }
        };

        var timings = new List<long>();
        for (var run = 0; run < 3; run++)
        {
            apiRequests.Clear();
            await s.Page.GotoAsync("/");
            await s.Page.GetByTestId("journeys").WaitForAsync();
            apiRequests.Clear();
            var watch = Stopwatch.StartNew();
            await s.Page.EvaluateAsync($"() => {{ history.pushState(null, '', '/journeys/{Journey}'); dispatchEvent(new PopStateEvent('popstate')); }}");
            await Assertions.Expect(s.Page.GetByTestId("canvas")).ToHaveAttributeAsync("data-drawn", "true", new() { Timeout = 30_000 });
            watch.Stop();
            var inPage = await s.Page.Locator(".canvas-page").GetAttributeAsync("data-draw-ms");
            output.WriteLine($"run {run + 1}: canvas with counts of {Customers:N0} customers drawn {watch.ElapsedMilliseconds} ms after navigation (in-page {inPage} ms); API requests: {string.Join(", ", apiRequests)}");
            timings.Add(watch.ElapsedMilliseconds);
        }

        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("kpi-entered"), "100,000");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("count-wait3d-waiting"), $"待機中 {waiting3d:N0}$");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("count-thanks-sent"), $"送信 {sent:N0}$");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("count-done-exited"), $"{exited:N0}$");
        Assert.Equal(1, apiRequests.Count(p => p.EndsWith("/counts", StringComparison.Ordinal)));
        Assert.DoesNotContain(apiRequests, p => p.StartsWith("/api/customers", StringComparison.Ordinal) || p.EndsWith("/stats", StringComparison.Ordinal));
        output.WriteLine($"median of 3: {timings.Order().ElementAt(1)} ms");
        // A generous bound against a regression to a scan or per-customer requests; the measured figure goes to docs/performance.md.
        Assert.True(timings.Min() < 5_000, $"the canvas took {timings.Min()} ms at best");
        await s.ScreenshotAsync("canvas-100k");
    }
}
