using ScenarioEngine.Analytics;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>Lead scoring on live events with decay by half-life, and the NPS report over profiles.</summary>
public sealed class LeadScoreAndNpsTests
{
    private static readonly DateTimeOffset T0 = EngineHarness.T0;

    private static EngineOptions LeadOptions() => new()
    {
        LeadScoring = new LeadScoringOptions
        {
            PointsByEventType = new(StringComparer.OrdinalIgnoreCase) { ["form.submitted"] = 40, ["page.viewed"] = 10 },
            HalfLife = TimeSpan.FromDays(7),
            HotThreshold = 50,
        },
    };

    private static async Task<EngineHarness> StartAsync(EngineOptions? options = null)
    {
        var h = new EngineHarness([], [], options);
        h.Engine.Catalog.PutSegments([SegmentTests.Segment("""{ "id": "hot-leads", "name": "Hot leads", "when": { "attr": "lead.score", "gte": 50 } }""")]);
        await h.InitializeAsync();
        return h;
    }

    private static async Task IngestAtAsync(EngineHarness h, params CustomerEvent[] events)
    {
        foreach (var e in events)
        {
            await h.RunUntilAsync(e.OccurredAt);
            await h.IngestAsync(e);
            await h.DrainAsync();
        }
    }

    private static async Task<(double Score, bool Hot, IReadOnlyList<string> Segments)> LeadAsync(EngineHarness h, string customer)
    {
        var p = (await h.CustomerAsync(customer)).Profile;
        return (p.Computed["lead.score"].AsNumber, p.Computed["lead.hot"].AsBool, SegmentMembership.Of(p));
    }

    [Fact]
    public async Task ApplyEvents_ScoredEvents_SumPointsAndEnterHotSegment()
    {
        var h = await StartAsync(LeadOptions());

        await IngestAtAsync(h, EngineHarness.Event("f1", "form.submitted", "c1", T0), EngineHarness.Event("v1", "page.viewed", "c1", T0),
            EngineHarness.Event("x1", "cart.updated", "c2", T0));

        var (score, hot, segments) = await LeadAsync(h, "c1");
        Assert.Equal(50, score, 3);
        Assert.True(hot);
        Assert.Equal(["hot-leads"], segments);
        Assert.False((await h.CustomerAsync("c2")).Profile.Computed.ContainsKey("lead.score"));
    }

    [Fact]
    public async Task ApplyEvents_OneHalfLifeLater_ScoreHalvesBeforeNewPointsAndLeadLeavesHotSegment()
    {
        var h = await StartAsync(LeadOptions());
        await IngestAtAsync(h, EngineHarness.Event("f1", "form.submitted", "c1", T0), EngineHarness.Event("v1", "page.viewed", "c1", T0),
            EngineHarness.Event("v2", "page.viewed", "c1", T0));

        await IngestAtAsync(h, EngineHarness.Event("v3", "page.viewed", "c1", T0.AddDays(7)));

        var (score, hot, segments) = await LeadAsync(h, "c1");
        Assert.Equal(60 * 0.5 + 10, score, 3);
        Assert.False(hot);
        Assert.Empty(segments);
        Assert.Contains(await h.TimelineAsync("c1"), t => t.Text == "segment.left" && t.Data!["causeEventId"] == "v3");
    }

    [Fact]
    public async Task RecomputeAnalytics_AfterTwoHalfLives_DecaysScoreToAQuarterOnce()
    {
        var h = await StartAsync(LeadOptions());
        await IngestAtAsync(h, EngineHarness.Event("f1", "form.submitted", "c1", T0), EngineHarness.Event("f2", "form.submitted", "c1", T0));
        Assert.True((await LeadAsync(h, "c1")).Hot);

        var run = await h.Engine.RecomputeAnalyticsAsync(T0.AddDays(14));
        await h.DrainAsync();
        var again = await h.Engine.RecomputeAnalyticsAsync(T0.AddDays(14));

        var (score, hot, segments) = await LeadAsync(h, "c1");
        Assert.Equal(80 * 0.25, score, 3);
        Assert.False(hot);
        Assert.Empty(segments);
        Assert.Equal(1, run.Refreshed);
        Assert.Equal(0, again.Refreshed);
        Assert.Equal(T0.AddDays(14), DateTimeOffset.Parse((await h.CustomerAsync("c1")).Profile.Computed["lead.scoredAt"].AsString!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ApplyEvents_LateEvent_DecaysFromWhenItHappened()
    {
        var h = await StartAsync(LeadOptions());
        await IngestAtAsync(h, EngineHarness.Event("v1", "page.viewed", "c1", T0.AddDays(7)));

        // Posted at day 7 but it happened a week earlier: worth half.
        await h.IngestAsync(EngineHarness.Event("f1", "form.submitted", "c1", T0));
        await h.DrainAsync();

        Assert.Equal(10 + 40 * 0.5, (await LeadAsync(h, "c1")).Score, 3);
    }

    [Fact]
    public async Task ApplyEvents_NoLeadScoringConfigured_KeepsNoScore()
    {
        var h = await StartAsync();
        await IngestAtAsync(h, EngineHarness.Event("f1", "form.submitted", "c1", T0));

        Assert.False((await h.CustomerAsync("c1")).Profile.Computed.ContainsKey("lead.score"));
    }

    [Fact]
    public async Task GetNps_HandMadeAnswers_GivesScoresOverallByMonthJourneyAndSegment()
    {
        var h = await StartAsync();
        var tokyo = TimeSpan.FromHours(9);
        CustomerEvent Answer(string id, string customer, DateTimeOffset at, int score, string? journey = null) => journey is null
            ? EngineHarness.Event(id, "nps.response", customer, at, ("score", Value.From(score)))
            : EngineHarness.Event(id, "nps.response", customer, at, ("score", Value.From(score)), ("journey", Value.From(journey)));
        CustomerEvent Rfm(string customer, string segment) =>
            EngineHarness.Event("rfm-" + customer, JourneyEngine.AnalyticsUpdatedEvent, customer, new DateTimeOffset(2026, 3, 20, 0, 0, 0, TimeSpan.Zero), ("rfm.segment", Value.From(segment)));
        h.Engine.Catalog.PutSegments([SegmentTests.Segment("""{ "id": "fans", "name": "Fans", "when": { "attr": "nps.category", "eq": "promoter" } }""")]);

        await IngestAtAsync(h,
            Answer("n1", "c1", new DateTimeOffset(2026, 3, 10, 10, 0, 0, tokyo), 9),
            Answer("n2", "c2", new DateTimeOffset(2026, 4, 3, 10, 0, 0, tokyo), 10, "nps-survey"),
            Answer("n3", "c3", new DateTimeOffset(2026, 4, 1, 8, 0, 0, tokyo), 7), // 31 March in UTC: April in its own offset
            Answer("n4", "c4", new DateTimeOffset(2026, 4, 20, 10, 0, 0, tokyo), 3),
            Answer("n5", "c1", new DateTimeOffset(2026, 5, 5, 10, 0, 0, tokyo), 5, "nps-survey"));
        await IngestAtAsync(h, Rfm("c1", "at-risk"), Rfm("c2", "loyal"), Rfm("c3", "loyal"), Rfm("c4", "at-risk"));

        var report = await h.Engine.GetNpsAsync();

        // Latest answers: c1 5 (detractor), c2 10 (promoter), c3 7 (passive), c4 3 (detractor).
        Assert.Equal(new NpsResult(1, 1, 2), report.Overall);
        Assert.Equal(-25, report.Overall.Score, 9);
        Assert.Equal(["2026-03", "2026-04", "2026-05"], report.ByMonth.Keys);
        Assert.Equal(new NpsResult(1, 0, 0), report.ByMonth["2026-03"]);
        Assert.Equal(new NpsResult(1, 1, 1), report.ByMonth["2026-04"]);
        Assert.Equal(0, report.ByMonth["2026-04"].Score, 9);
        Assert.Equal(-100, report.ByMonth["2026-05"].Score, 9);
        Assert.Equal(new NpsResult(1, 0, 1), Assert.Single(report.ByJourney, kv => kv.Key == "nps-survey").Value);
        Assert.Equal(50, report.ByRfmSegment["loyal"].Score, 9);
        Assert.Equal(-100, report.ByRfmSegment["at-risk"].Score, 9);
        Assert.Equal(new NpsResult(1, 0, 0), Assert.Single(report.BySegment).Value);
    }
}
