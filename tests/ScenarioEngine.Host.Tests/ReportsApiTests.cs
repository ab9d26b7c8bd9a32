using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>Reports over live data and the on-demand analytics run, on the in-memory store with hand-made purchases and answers.</summary>
public sealed class ReportsApiTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(output, TestHost.Memory());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Event(string id, string type, string customer, double daysAgo, string properties) =>
        $$"""{"id":"{{id}}","type":"{{type}}","customerId":"{{customer}}","occurredAt":"{{DateTimeOffset.UtcNow.AddDays(-daysAgo).ToString("O", CultureInfo.InvariantCulture)}}","properties":{{properties}}}""";

    private static string Purchase(string id, string customer, double daysAgo, decimal amount) =>
        Event(id, "purchase", customer, daysAgo, $$"""{"orderId":"{{id}}","amount":{{amount.ToString(CultureInfo.InvariantCulture)}}}""");

    /// <summary>Posts events (in batches of at most 1,000) and waits until every customer's computed value satisfies the check.</summary>
    private async Task PostAndWaitAsync(IReadOnlyList<string> events, IReadOnlyDictionary<string, Func<JsonNode, bool>> done)
    {
        foreach (var chunk in events.Chunk(1000))
        {
            await _host.PostEventsAsync("[" + string.Join(",", chunk) + "]");
        }

        foreach (var (customer, check) in done)
        {
            await TestHost.WaitUntilAsync(async () =>
            {
                var response = await _host.Admin.GetAsync($"/api/customers/{customer}");
                return response.IsSuccessStatusCode && check((await TestHost.ReadAsync(response))["computed"]!);
            }, TimeSpan.FromSeconds(20), $"{customer}'s events");
        }
    }

    private static Func<JsonNode, bool> Orders(int count) => c => c["orders.count"]?.GetValue<double>() == count;

    private async Task<JsonNode> GetAsync(string path)
    {
        var response = await _host.Admin.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!;
    }

    [Fact]
    public async Task Nps_TwoPromotersOnePassiveOneDetractor_Scores25()
    {
        await PostAndWaitAsync(
        [
            Event("n1", "nps.response", "a", 1, """{"score":10,"journey":"post-purchase"}"""),
            Event("n2", "nps.response", "b", 1, """{"score":9}"""),
            Event("n3", "nps.response", "c", 1, """{"score":7}"""),
            Event("n4", "nps.response", "d", 1, """{"score":3,"journey":"post-purchase"}"""),
        ], new[] { "a", "b", "c", "d" }.ToDictionary(c => c, _ => (Func<JsonNode, bool>)(c => c["nps.score"] is not null)));

        var nps = await GetAsync("/api/reports/nps");

        var overall = nps["overall"]!;
        Assert.Equal(2, overall["promoters"]!.GetValue<int>());
        Assert.Equal(1, overall["passives"]!.GetValue<int>());
        Assert.Equal(1, overall["detractors"]!.GetValue<int>());
        Assert.Equal(4, overall["total"]!.GetValue<int>());
        Assert.Equal(25, overall["score"]!.GetValue<double>(), 6);
        var journey = nps["byJourney"]!["post-purchase"]!;
        Assert.Equal(2, journey["total"]!.GetValue<int>());
        Assert.Equal(0, journey["score"]!.GetValue<double>(), 6);
        Assert.Equal(4, nps["byMonth"]!.AsObject().Sum(m => m.Value!["total"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Deciles_TenBuyers_SharesSumTo100Percent()
    {
        // Ten buyers spending 1,000 to 10,000 (one of them in two orders): 55,000 in all, one buyer per decile.
        var events = Enumerable.Range(1, 10).Select(i => Purchase($"o{i}", $"b{i:00}", 5, i * 1000m)).ToList();
        events[9] = Purchase("o10a", "b10", 6, 4000m);
        events.Add(Purchase("o10b", "b10", 5, 6000m));
        await PostAndWaitAsync(events, Enumerable.Range(1, 10).ToDictionary(i => $"b{i:00}", i => Orders(i == 10 ? 2 : 1)));

        var report = await GetAsync("/api/reports/deciles");

        Assert.Equal(10, report["customers"]!.GetValue<int>());
        Assert.Equal(55000m, report["totalRevenue"]!.GetValue<decimal>());
        var deciles = report["deciles"]!.AsArray();
        Assert.Equal(10, deciles.Count);
        Assert.All(deciles, d => Assert.Equal(1, d!["customerCount"]!.GetValue<int>()));
        Assert.Equal(10000m, deciles[0]!["revenue"]!.GetValue<decimal>());
        Assert.Equal(1000m, deciles[9]!["revenue"]!.GetValue<decimal>());
        Assert.Equal(1m, deciles.Sum(d => d!["shareOfRevenue"]!.GetValue<decimal>()), 10);
        Assert.Equal(1m, deciles[9]!["cumulativeShare"]!.GetValue<decimal>());
        Assert.Equal(10000m / 55000m, deciles[0]!["shareOfRevenue"]!.GetValue<decimal>(), 10);
    }

    [Fact]
    public async Task Rfm_FiveBuyers_CountsEveryBuyerAndRecomputeAssignsSegments()
    {
        // From a recent big spender to a long-gone one-off buyer.
        var events = new List<string>
        {
            Purchase("r1a", "r1", 40, 20000m), Purchase("r1b", "r1", 20, 20000m), Purchase("r1c", "r1", 2, 20000m),
            Purchase("r2a", "r2", 60, 8000m), Purchase("r2b", "r2", 10, 8000m),
            Purchase("r3a", "r3", 5, 5000m),
            Purchase("r4a", "r4", 200, 3000m), Purchase("r4b", "r4", 150, 3000m),
            Purchase("r5a", "r5", 400, 1000m),
        };
        await PostAndWaitAsync(events, new Dictionary<string, Func<JsonNode, bool>>
        {
            ["r1"] = Orders(3), ["r2"] = Orders(2), ["r3"] = Orders(1), ["r4"] = Orders(2), ["r5"] = Orders(1),
        });

        var before = await GetAsync("/api/reports/rfm");
        var run = await _host.Admin.PostAsync("/api/system/analytics/recompute", null);

        Assert.Equal(5, before["customers"]!.GetValue<int>());
        var segments = before["segments"]!.AsArray();
        Assert.Equal(11, segments.Count);
        Assert.Equal(5, segments.Sum(s => s!["customers"]!.GetValue<int>()));
        Assert.Equal(0, segments.Sum(s => s!["assigned"]!.GetValue<int>()));
        Assert.Equal(4, before["breakpoints"]!["recencyDays"]!.AsArray().Count);
        Assert.Equal(4, before["breakpoints"]!["monetary"]!.AsArray().Count);

        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        var result = await TestHost.ReadAsync(run);
        Assert.Equal(5, result["customers"]!.GetValue<int>());
        Assert.Equal(5, result["updated"]!.GetValue<int>());
        Assert.Equal(5, result["segmentChanges"]!.GetValue<int>());
        Assert.Equal(0, result["refreshed"]!.GetValue<int>());
        Assert.Null(result["clv"]);

        // The job's analytics.updated events are applied by the workers; then the assigned segments match the analysis.
        JsonNode after = before;
        await TestHost.WaitUntilAsync(async () =>
        {
            after = await GetAsync("/api/reports/rfm");
            return after["segments"]!.AsArray().Sum(s => s!["assigned"]!.GetValue<int>()) == 5;
        }, TimeSpan.FromSeconds(20), "the recomputed RFM segments");
        Assert.All(after["segments"]!.AsArray(), s => Assert.Equal(s!["customers"]!.GetValue<int>(), s["assigned"]!.GetValue<int>()));
        var r1 = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/customers/r1"));
        Assert.Equal("champions", r1["computed"]!["rfm.segment"]!.GetValue<string>());
    }

    [Fact]
    public async Task Clv_FewRepeatCustomers_Returns409()
    {
        await PostAndWaitAsync(
            [Purchase("x1", "v1", 30, 5000m), Purchase("x2", "v1", 3, 5000m), Purchase("x3", "v2", 10, 2000m)],
            new Dictionary<string, Func<JsonNode, bool>> { ["v1"] = Orders(2), ["v2"] = Orders(1) });

        var response = await _host.Admin.GetAsync("/api/reports/clv");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var detail = (await TestHost.ReadAsync(response))["detail"]!.GetValue<string>();
        Assert.Contains("not enough repeat customers to fit", detail, StringComparison.Ordinal);
        Assert.Contains("1 of 2 buyers", detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// Purchase histories over the last year drawn as BG/NBD assumes (exponential gaps, a chance to drop out after each repeat order),
    /// from a fixed seed so the fit is the same on every run.
    /// </summary>
    private static List<(string Customer, List<(double DaysAgo, decimal Amount)> Orders)> Simulate(int customers, int seed)
    {
        var random = new Random(seed);
        var result = new List<(string, List<(double, decimal)>)>();
        for (var c = 0; c < customers; c++)
        {
            var t = (double)random.Next(0, 180);
            var rate = new[] { 1 / 10.0, 1 / 20.0, 1 / 40.0, 1 / 80.0 }[random.Next(4)];
            var dropout = new[] { 0.1, 0.25, 0.5 }[random.Next(3)];
            var mean = 1000m + random.Next(0, 5) * 1000m;
            var orders = new List<(double, decimal)>();
            while (t < 364)
            {
                orders.Add((Math.Round(365 - t, 2), Math.Round(mean * (decimal)(0.5 + random.NextDouble()) / 10) * 10));
                if (orders.Count > 1 && random.NextDouble() < dropout)
                {
                    break;
                }

                t += -Math.Log(1 - random.NextDouble()) / rate;
            }

            result.Add(($"m{c:00}", orders));
        }

        return result;
    }

    [Fact]
    public async Task Clv_SixtyBuyers_FitsBothModelsAndRanksByPredictedValue()
    {
        var events = new List<string>();
        var orders = new Dictionary<string, Func<JsonNode, bool>>();
        foreach (var (customer, history) in Simulate(60, seed: 3))
        {
            events.AddRange(history.Select((o, k) => Purchase($"{customer}-{k}", customer, o.DaysAgo, o.Amount)));
            orders[customer] = Orders(history.Count);
        }

        await PostAndWaitAsync(events, orders);

        var report = await GetAsync("/api/reports/clv?top=5");

        Assert.Equal(60, report["customers"]!.GetValue<int>());
        Assert.Equal(59, report["repeatCustomers"]!.GetValue<int>());
        Assert.Equal(365, report["horizonDays"]!.GetValue<int>());
        foreach (var p in new[] { "r", "alpha", "a", "b" })
        {
            Assert.True(report["purchases"]![p]!.GetValue<double>() > 0, p);
        }

        Assert.True(report["spend"]!["p"]!.GetValue<double>() > 0);
        var top = report["top"]!.AsArray();
        Assert.Equal(5, top.Count);
        var values = top.Select(t => t!["predictedValue"]!.GetValue<double>()).ToList();
        Assert.Equal(values.OrderDescending(), values);
        Assert.All(top, t => Assert.InRange(t!["pAlive"]!.GetValue<double>(), 0, 1));
        Assert.True(report["totalPredictedValue"]!.GetValue<double>() >= values.Sum());

        var ranking = await GetAsync("/api/reports/ranking?top=60");
        Assert.StartsWith("BG/NBD", ranking["predictedValue"]!.GetValue<string>(), StringComparison.Ordinal);
        var best = ranking["top"]!.AsArray().Single(r => r!["customerId"]!.GetValue<string>() == top[0]!["customerId"]!.GetValue<string>())!;
        Assert.Equal(1, best["predictedValueRank"]!.GetValue<int>());
    }

    [Fact]
    public async Task Ranking_BuyersAndRespondent_RanksEachAxis()
    {
        await PostAndWaitAsync(
        [
            Purchase("k1", "big", 100, 30000m),
            Purchase("k2", "often", 20, 4000m), Purchase("k3", "often", 2, 6000m),
            Event("k4", "nps.response", "fan", 1, """{"score":10}"""),
            Event("k5", "nps.response", "often", 1, """{"score":6}"""),
        ], new Dictionary<string, Func<JsonNode, bool>>
        {
            ["big"] = Orders(1), ["often"] = c => Orders(2)(c) && c["nps.score"] is not null, ["fan"] = c => c["nps.score"] is not null,
        });

        var report = await GetAsync("/api/reports/ranking");

        Assert.Equal(3, report["customers"]!.GetValue<int>());
        Assert.StartsWith("unavailable: not enough repeat customers to fit", report["predictedValue"]!.GetValue<string>(), StringComparison.Ordinal);
        var rows = report["top"]!.AsArray().ToDictionary(r => r!["customerId"]!.GetValue<string>(), r => r!);
        Assert.Equal(["big", "often", "fan"], report["top"]!.AsArray().Select(r => r!["customerId"]!.GetValue<string>()));
        Assert.Equal((1, 2, 2, 3), Ranks(rows["big"]));
        Assert.Equal((2, 1, 1, 2), Ranks(rows["often"]));
        Assert.Equal((3, 3, 3, 1), Ranks(rows["fan"]));
        Assert.All(rows.Values, r => Assert.Equal(1, r["predictedValueRank"]!.GetValue<int>()));
        Assert.Equal(30000m, rows["big"]["spend"]!.GetValue<decimal>());
        Assert.Null(rows["fan"]["spend"]);
        Assert.Equal(2, rows["big"]["spread"]!.GetValue<int>());
        Assert.Equal(1, rows["often"]["spread"]!.GetValue<int>());

        var limited = await GetAsync("/api/reports/ranking?top=1");
        Assert.Single(limited["top"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await _host.Admin.GetAsync("/api/reports/ranking?top=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _host.Admin.GetAsync("/api/reports/clv?top=5000")).StatusCode);

        static (int Spend, int Frequency, int Recency, int Nps) Ranks(JsonNode r) =>
            (r["spendRank"]!.GetValue<int>(), r["frequencyRank"]!.GetValue<int>(), r["recencyRank"]!.GetValue<int>(), r["npsRank"]!.GetValue<int>());
    }

    [Fact]
    public async Task Reports_EmptyStore_ReturnEmptyReports()
    {
        var rfm = await GetAsync("/api/reports/rfm");
        var deciles = await GetAsync("/api/reports/deciles");
        var nps = await GetAsync("/api/reports/nps");

        Assert.Equal(0, rfm["customers"]!.GetValue<int>());
        Assert.Null(rfm["breakpoints"]);
        Assert.Equal(0m, deciles["totalRevenue"]!.GetValue<decimal>());
        Assert.Equal(0, nps["overall"]!["total"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Conflict, (await _host.Admin.GetAsync("/api/reports/clv")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _host.Events.GetAsync("/api/reports/rfm")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _host.Events.PostAsync("/api/system/analytics/recompute", null)).StatusCode);
    }
}
