using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>The endpoints the dashboard needs: settings, aggregated counts, customers at a step, waiting and skipped-by-rule counts, the RFM grid.</summary>
public sealed class DashboardApiTests(ITestOutputHelper output)
{
    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] extra)
    {
        var settings = TestHost.Memory();
        settings["Engine:CountsInterval"] = "00:00:00.200";
        foreach (var (k, v) in extra)
        {
            settings[k] = v;
        }

        return settings;
    }

    private static async Task BuyAsync(TestHost host, int customers)
    {
        var events = Enumerable.Range(1, customers).SelectMany(i => new[]
        {
            TestDocuments.Identify($"h{i}", $"id-{i}"), TestDocuments.Purchase($"h{i}", $"buy-{i}", $"o-{i}"),
        });
        await host.PostEventsAsync("[" + string.Join(",", events) + "]");
    }

    private static async Task<JsonNode> CountsWhenAsync(TestHost host, string journey, Func<JsonNode, bool> done)
    {
        JsonNode? last = null;
        await TestHost.WaitUntilAsync(async () =>
        {
            last = await TestHost.ReadAsync(await host.Admin.GetAsync($"/api/journeys/{journey}/counts"));
            return last["asOf"] is not null && done(last);
        }, TimeSpan.FromSeconds(20), "the counts job's counts");
        return last!;
    }

    /// <summary>A step's counts; an empty object while the step has none.</summary>
    private static JsonNode Step(JsonNode stats, string step) =>
        stats["steps"]?.AsArray().FirstOrDefault(s => s!["stepId"]!.GetValue<string>() == step)?["counts"] ?? new JsonObject();

    [Fact]
    public async Task Settings_AdminKey_ReturnsTheShopsTimeZone()
    {
        await using var host = await TestHost.StartAsync(output, Settings(("Engine:DefaultTimeZone", "Europe/Paris")));

        var body = await TestHost.ReadAsync(await host.Admin.GetAsync("/api/settings"));

        Assert.Equal("Europe/Paris", body["timeZone"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Events.GetAsync("/api/settings")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous.GetAsync("/api/settings")).StatusCode);
    }

    [Fact]
    public async Task Counts_AfterASweep_ShowWaitingPerStepAsOfTheSweep()
    {
        await using var host = await TestHost.StartAsync(output, Settings());
        await host.PublishAsync(TestDocuments.HoldJourney, TestDocuments.ThanksMessage);

        await BuyAsync(host, 3);

        // Sends are dispatched after the step: wait until the three thank-yous are counted too.
        var counts = await CountsWhenAsync(host, "hold", c => c["entered"]!.GetValue<int>() == 3 && Step(c, "wait")["waiting"]?.GetValue<int>() == 3
            && Step(c, "thanks")["sent"]?.GetValue<int>() == 3);
        Assert.True(counts["asOf"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(-1));
        // The exact scan says the same.
        var stats = await TestHost.ReadAsync(await host.Admin.GetAsync("/api/journeys/hold/stats"));
        Assert.Equal(3, Step(stats, "wait")["waiting"]!.GetValue<int>());
        Assert.Null(stats["asOf"]);
    }

    [Fact]
    public async Task Counts_StoredRow_IsWhatTheEndpointAnswers()
    {
        await using var host = await TestHost.StartAsync(output, Settings(("Engine:Workers", "false")));
        await host.PublishAsync(TestDocuments.HoldJourney, TestDocuments.ThanksMessage);
        var asOf = DateTimeOffset.UtcNow.AddMinutes(-5);
        var doc = new JourneyStatsDoc(asOf, 12_345, 40, 10, 7, 1, new Dictionary<string, int> { ["thanks.entered"] = 12_345, ["thanks.sent"] = 12_000 },
            new Dictionary<string, int>(), new Dictionary<string, int> { ["wait"] = 40 });
        var table = host.Services.GetRequiredService<JourneyEngine>().Options.StatsTable;
        await host.Services.GetRequiredService<IRowStore>().CommitAsync(table,
            [new RowWrite(WriteKind.Upsert, new StoredRow("hold", JourneyStatsDoc.RowKey, Codec.Write(doc)))]);

        var counts = await TestHost.ReadAsync(await host.Admin.GetAsync("/api/journeys/hold/counts"));

        Assert.Equal(12_345, counts["entered"]!.GetValue<int>());
        Assert.Equal(12_000, Step(counts, "thanks")["sent"]!.GetValue<int>());
        Assert.Equal(40, Step(counts, "wait")["waiting"]!.GetValue<int>());
        Assert.Equal(asOf, counts["asOf"]!.GetValue<DateTimeOffset>());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin.GetAsync("/api/journeys/nope/counts")).StatusCode);
    }

    [Fact]
    public async Task StepCustomers_Pages_GiveEveryCustomerAtTheStepOnce()
    {
        await using var host = await TestHost.StartAsync(output, Settings());
        await host.PublishAsync(TestDocuments.HoldJourney, TestDocuments.ThanksMessage);
        await BuyAsync(host, 5);
        await CountsWhenAsync(host, "hold", c => Step(c, "wait")["waiting"]?.GetValue<int>() == 5);

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var url = "/api/journeys/hold/steps/wait/customers?max=2" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation));
            var page = await TestHost.ReadAsync(await host.Admin.GetAsync(url));
            seen.AddRange(page["customers"]!.AsArray().Select(c => c!["customerId"]!.GetValue<string>()));
            continuation = page["continuation"]?.GetValue<string>();
            pages++;
        }
        while (continuation is not null);

        Assert.Equal(3, pages);
        Assert.Equal(["h1", "h2", "h3", "h4", "h5"], seen.Order(StringComparer.Ordinal));
        var through = await TestHost.ReadAsync(await host.Admin.GetAsync("/api/journeys/hold/steps/thanks/customers?through=true"));
        Assert.Equal(5, through["customers"]!.AsArray().Count);
        var atThanks = await TestHost.ReadAsync(await host.Admin.GetAsync("/api/journeys/hold/steps/thanks/customers"));
        Assert.Empty(atThanks["customers"]!.AsArray());
    }

    [Theory]
    [InlineData("max=0", "max")]
    [InlineData("max=501", "max")]
    [InlineData("continuation=not-one", "continuation")]
    public async Task StepCustomers_BadQuery_Returns400NamingTheParameter(string query, string path)
    {
        await using var host = await TestHost.StartAsync(output, Settings(("Engine:Workers", "false")));
        await host.PublishAsync(TestDocuments.HoldJourney, TestDocuments.ThanksMessage);

        var response = await host.Admin.GetAsync("/api/journeys/hold/steps/wait/customers?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(path, (await TestHost.ReadAsync(response))["errors"]![0]!["path"]!.GetValue<string>());
    }

    [Fact]
    public async Task Counts_SendSkippedByACap_AreCountedByRule()
    {
        await using var host = await TestHost.StartAsync(output, Settings(("Engine:Caps", "email:1/P1D")));
        await host.PublishAsync(TestDocuments.OneShotJourney, TestDocuments.ThanksMessage);

        await host.PostEventsAsync("[" + TestDocuments.Identify("k1", "i1") + "," + TestDocuments.Purchase("k1", "p1", "o-1") + "]");
        await CountsWhenAsync(host, "one-shot", c => Step(c, "thanks")["sent"]?.GetValue<int>() == 1);
        await host.PostEventsAsync("[" + TestDocuments.Purchase("k1", "p2", "o-2") + "]");

        var counts = await CountsWhenAsync(host, "one-shot", c => Step(c, "thanks")["skipped"]?.GetValue<int>() == 1);
        var byRule = Step(counts, "thanks").AsObject().Where(kv => kv.Key.StartsWith("skipped:", StringComparison.Ordinal)).ToList();
        Assert.Single(byRule);
        Assert.Equal(1, byRule[0].Value!.GetValue<int>());
        output.WriteLine("skipped by " + byRule[0].Key);
    }

    [Fact]
    public async Task JourneyList_AfterPublish_GivesTheLastPublishTime()
    {
        await using var host = await TestHost.StartAsync(output, Settings(("Engine:Workers", "false")));
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await host.PublishAsync(TestDocuments.HoldJourney, TestDocuments.ThanksMessage);

        var list = await TestHost.ReadAsync(await host.Admin.GetAsync("/api/journeys"));

        var hold = list.AsArray().Single(j => j!["id"]!.GetValue<string>() == "hold")!;
        Assert.InRange(hold["lastPublishedAt"]!.GetValue<DateTimeOffset>(), before, DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task RfmReport_Grid_ListsTwentyFiveCellsHoldingEveryBuyer()
    {
        await using var host = await TestHost.StartAsync(output, Settings());
        await BuyAsync(host, 4);
        await TestHost.WaitUntilAsync(async () =>
            (await TestHost.ReadAsync(await host.Admin.GetAsync("/api/reports/rfm")))["customers"]!.GetValue<int>() == 4, TimeSpan.FromSeconds(20), "four buyers");

        var rfm = await TestHost.ReadAsync(await host.Admin.GetAsync("/api/reports/rfm"));

        var grid = rfm["grid"]!.AsArray();
        Assert.Equal(25, grid.Count);
        Assert.Equal(4, grid.Sum(c => c!["customers"]!.GetValue<int>()));
        Assert.Equal(24_000m, grid.Sum(c => c!["revenue"]!.GetValue<decimal>()));
        Assert.All(grid, c => Assert.InRange(c!["recencyScore"]!.GetValue<int>(), 1, 5));
    }
}
