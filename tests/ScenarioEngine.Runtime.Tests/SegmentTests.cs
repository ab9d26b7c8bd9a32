using ScenarioEngine.Analytics;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>JSON segments evaluated on each event and daily, their entry and exit events, and the export for ad platforms.</summary>
public sealed class SegmentTests
{
    private static readonly DateTimeOffset T0 = EngineHarness.T0;

    private static readonly MessageDocument Message = EngineHarness.Message("m");

    internal static Segment Segment(string json)
    {
        var parsed = SegmentParser.Parse(json, Catalog.ReservedSegmentIds);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        return parsed.Value!;
    }

    private static readonly Segment SameProduct = Segment("""
        { "id": "keeps-looking", "name": "Viewed the same product 3 times in 7 days",
          "when": { "count": { "event": "product.viewed", "within": "P7D", "sameProperty": "productId" }, "gte": 3 } }
        """);

    private static Journey SendOn(string id, string trigger) => EngineHarness.Journey($$"""
        { "id": "{{id}}", "name": "{{id}}", "trigger": {{trigger}}, "start": "send",
          "steps": { "send": { "type": "send", "medium": "email", "message": "m", "next": "done" }, "done": { "type": "exit" } } }
        """, Message);

    private static CustomerEvent View(string id, string customer, DateTimeOffset at, string product) =>
        EngineHarness.Event(id, "product.viewed", customer, at, ("productId", Value.From(product)));

    private static async Task<EngineHarness> StartAsync(IEnumerable<Journey> journeys, IEnumerable<Segment> segments, EngineOptions? options = null)
    {
        var h = new EngineHarness(journeys, [Message], options);
        h.Engine.Catalog.PutSegments(segments);
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

    private static async Task<IReadOnlyList<string>> SegmentsOfAsync(EngineHarness h, string customer) =>
        SegmentMembership.Of((await h.CustomerAsync(customer)).Profile);

    [Fact]
    public async Task ApplyEvents_SameProductThreeTimesInSevenDays_EntersSegmentJourneyExactlyOnce()
    {
        var h = await StartAsync([SendOn("nudge", """{ "segment": "keeps-looking" }""")], [SameProduct]);
        await IngestAtAsync(h, EngineHarness.Identify("c1", T0, zone: "Asia/Tokyo"),
            View("v1", "c1", T0.AddHours(1), "tea"), View("v2", "c1", T0.AddDays(1), "cup"), View("v3", "c1", T0.AddDays(2), "tea"));

        Assert.Empty(await SegmentsOfAsync(h, "c1"));

        await IngestAtAsync(h, View("v4", "c1", T0.AddDays(5), "tea"), View("v5", "c1", T0.AddDays(6), "tea"));
        await h.RunUntilAsync(T0.AddDays(6).AddHours(1));

        Assert.Equal(["keeps-looking"], await SegmentsOfAsync(h, "c1"));
        var stats = await h.Engine.GetStatsAsync("nudge");
        Assert.Equal(1, stats.Entered);
        Assert.Single(h.Recording("email").Sent);
        var timeline = await h.TimelineAsync("c1");
        var entered = Assert.Single(timeline, t => t.Text == SegmentTrigger.EnteredEvent);
        Assert.Equal("v4", entered.Data!["causeEventId"]);
    }

    [Fact]
    public async Task ApplyEvents_RedeliveredEventThatEnteredSegment_DoesNotEnterTwice()
    {
        var h = await StartAsync([SendOn("nudge", """{ "segment": "keeps-looking" }""")], [SameProduct]);
        var third = View("v3", "c1", T0.AddDays(2), "tea");
        await IngestAtAsync(h, EngineHarness.Identify("c1", T0, zone: "Asia/Tokyo"), View("v1", "c1", T0.AddHours(1), "tea"), View("v2", "c1", T0.AddDays(1), "tea"), third);

        await h.IngestAsync(third);
        await h.IngestAsync(third);
        await h.RunUntilAsync(T0.AddDays(3));

        Assert.Equal(1, (await h.Engine.GetStatsAsync("nudge")).Entered);
        Assert.Single(h.Recording("email").Sent);
        Assert.Equal(2, h.Engine.Metrics.Duplicates);
        Assert.Equal(3, (await h.CustomerAsync("c1")).Profile.RecentEvents.Count);
    }

    [Fact]
    public async Task RecomputeAnalytics_WindowSlidesPastTheViews_LeavesSegmentAndStartsLeftJourney()
    {
        var h = await StartAsync(
            [SendOn("nudge", """{ "segment": "keeps-looking" }"""), SendOn("cooled", """{ "segment": "keeps-looking", "on": "left" }""")], [SameProduct]);
        await IngestAtAsync(h, EngineHarness.Identify("c1", T0, zone: "Asia/Tokyo"),
            View("v1", "c1", T0.AddHours(1), "tea"), View("v2", "c1", T0.AddHours(2), "tea"), View("v3", "c1", T0.AddHours(3), "tea"));
        Assert.Equal(["keeps-looking"], await SegmentsOfAsync(h, "c1"));

        // Six days on the views are still in the window; eight days on the first has slid out.
        await h.RunUntilAsync(T0.AddDays(6));
        var early = await h.Engine.RecomputeAnalyticsAsync(T0.AddDays(6));
        await h.DrainAsync();
        Assert.Equal(0, early.Refreshed);

        await h.RunUntilAsync(T0.AddDays(8));
        var run = await h.Engine.RecomputeAnalyticsAsync(T0.AddDays(8));
        await h.DrainAsync();
        var again = await h.Engine.RecomputeAnalyticsAsync(T0.AddDays(8));

        Assert.Equal(1, run.Refreshed);
        Assert.Equal(0, again.Refreshed);
        Assert.Empty(await SegmentsOfAsync(h, "c1"));
        Assert.Equal(1, (await h.Engine.GetStatsAsync("nudge")).Entered);
        Assert.Equal(1, (await h.Engine.GetStatsAsync("cooled")).Entered);
        Assert.Contains(await h.TimelineAsync("c1"), t => t.Text == SegmentTrigger.LeftEvent && t.Data!["segment"] == "keeps-looking");
    }

    [Fact]
    public async Task ApplyEvents_ConditionOnMembership_SeesSegmentsOfTheCustomer()
    {
        var vip = Segment("""{ "id": "gold", "name": "Gold plan", "when": { "attr": "profile.plan", "eq": "gold" } }""");
        var journey = EngineHarness.Journey("""
            { "id": "gold-welcome", "name": "g", "trigger": { "event": "purchase" },
              "audience": { "attr": "segments", "contains": "gold" }, "start": "send",
              "steps": { "send": { "type": "send", "medium": "email", "message": "m", "next": "done" }, "done": { "type": "exit" } } }
            """, Message);
        var h = await StartAsync([journey], [vip]);

        await IngestAtAsync(h, EngineHarness.Identify("c1", T0, zone: "Asia/Tokyo", more: ("plan", Value.From("gold"))), EngineHarness.Identify("c2", T0, zone: "Asia/Tokyo"),
            EngineHarness.Purchase("p1", "c1", T0.AddHours(1)), EngineHarness.Purchase("p2", "c2", T0.AddHours(1)));

        Assert.Equal(1, (await h.Engine.GetStatsAsync("gold-welcome")).Entered);
        Assert.Equal("c1", Assert.Single(h.Recording("email").Sent).CustomerId);
    }

    [Fact]
    public async Task ExportSegmentCsv_Members_HashesNormalisedEmailAndLeavesOutNoConsentOrNoEmail()
    {
        var gold = Segment("""{ "id": "gold", "name": "Gold plan", "when": { "attr": "profile.plan", "eq": "gold" } }""");
        var h = await StartAsync([], [gold]);
        (string Key, Value Value) plan = ("plan", Value.From("gold"));
        (string Key, Value Value) ads = ("consent.ads", Value.From(true));
        await IngestAtAsync(h,
            EngineHarness.Event("i1", "identify", "c1", T0, plan, ads, ("email", Value.From("  Test@Example.COM "))),
            EngineHarness.Event("i2", "identify", "c2", T0, plan, ("email", Value.From("no-consent@example.com"))),
            EngineHarness.Event("i3", "identify", "c3", T0, plan, ads),
            EngineHarness.Event("i4", "identify", "c4", T0, ads, ("email", Value.From("other@example.com"))),
            EngineHarness.Event("i5", "identify", "c,5", T0, plan, ads, ("email", Value.From("b@example.com"))));
        var meta = new StringWriter();
        var google = new StringWriter();

        var result = await h.Engine.ExportSegmentCsvAsync("gold", meta);
        await h.Engine.ExportSegmentCsvAsync("gold", google, SegmentExportFormat.Google);

        // sha256("test@example.com"), as `printf 'test@example.com' | sha256sum` prints it.
        const string Hash = "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b";
        var b = JourneyEngine.HashEmail("b@example.com");
        Assert.Equal($"email,extern_id\n{b},\"c,5\"\n{Hash},c1\n", meta.ToString());
        Assert.Equal($"Email\n{b}\n{Hash}\n", google.ToString());
        Assert.Equal(new SegmentExportResult(Members: 4, Exported: 2, NoConsent: 1, NoEmail: 1), result);
    }

    [Fact]
    public async Task ExportSegmentCsv_CustomerIdStartingLikeAFormula_IsNeutralised()
    {
        var gold = Segment("""{ "id": "gold", "name": "Gold plan", "when": { "attr": "profile.plan", "eq": "gold" } }""");
        var h = await StartAsync([], [gold]);
        await IngestAtAsync(h,
            EngineHarness.Event("i1", "identify", "=1+2", T0, ("plan", Value.From("gold")), ("consent.ads", Value.From(true)),
                ("email", Value.From("a@example.com"))),
            EngineHarness.Event("i2", "identify", "-42", T0, ("plan", Value.From("gold")), ("consent.ads", Value.From(true)),
                ("email", Value.From("b@example.com"))));
        var meta = new StringWriter();

        await h.Engine.ExportSegmentCsvAsync("gold", meta);

        var a = JourneyEngine.HashEmail("a@example.com");
        var b = JourneyEngine.HashEmail("b@example.com");
        Assert.Equal($"email,extern_id\n{b},'-42\n{a},'=1+2\n", meta.ToString());
    }

    [Theory]
    [InlineData("test@example.com", "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b")]
    [InlineData(" TEST@example.com\t", "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b")]
    [InlineData("", null)]
    [InlineData("no-at-sign", null)]
    [InlineData("@example.com", null)]
    public void HashEmail_KnownAddress_GivesKnownSha256Hex(string email, string? expected)
    {
        Assert.Equal(expected, JourneyEngine.HashEmail(email));
    }

    [Fact]
    public async Task ExportSegmentCsv_RfmSegmentId_UsesRfmSegment()
    {
        var h = await StartAsync([], []);
        await IngestAtAsync(h,
            EngineHarness.Event("i1", "identify", "c1", T0, ("consent.ads", Value.From(true)), ("email", Value.From("test@example.com"))),
            EngineHarness.Event("a1", JourneyEngine.AnalyticsUpdatedEvent, "c1", T0.AddMinutes(1), ("rfm.segment", Value.From("champions"))));
        var csv = new StringWriter();

        var result = await h.Engine.ExportSegmentCsvAsync("champions", csv);

        Assert.Equal(1, result.Exported);
        Assert.EndsWith(",c1\n", csv.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PutSegments_ReservedRfmId_ThrowsAndReplaceSwapsTheSet()
    {
        var catalog = new Catalog();
        var champions = SegmentParser.Parse("""{ "id": "champions", "name": "C", "when": { "attr": "tags", "contains": "x" } }""").Value!;

        Assert.Throws<ArgumentException>(() => catalog.PutSegments([champions]));
        Assert.Throws<ArgumentException>(() => catalog.ReplaceSegments([champions]));
        catalog.PutSegments([SameProduct]);
        catalog.ReplaceSegments([Segment("""{ "id": "gold", "name": "G", "when": { "attr": "profile.plan", "eq": "gold" } }""")]);
        Assert.Equal(["gold"], catalog.Segments.Select(x => x.Id));
        Assert.Null(catalog.FindSegment("keeps-looking"));
        Assert.False(SegmentParser.Parse("""{ "id": "champions", "name": "C", "when": { "attr": "tags", "contains": "x" } }""", Catalog.ReservedSegmentIds).IsValid);
    }

    [Fact]
    public async Task ApplyEvents_SegmentRemovedFromCatalog_MembershipKeptWithoutLeaving()
    {
        var h = await StartAsync([SendOn("cooled", """{ "segment": "keeps-looking", "on": "left" }""")], [SameProduct]);
        await IngestAtAsync(h, View("v1", "c1", T0, "tea"), View("v2", "c1", T0.AddHours(1), "tea"), View("v3", "c1", T0.AddHours(2), "tea"));

        Assert.True(h.Engine.Catalog.RemoveSegment("keeps-looking"));
        await IngestAtAsync(h, View("v4", "c1", T0.AddDays(30), "cup"));

        Assert.Equal(["keeps-looking"], await SegmentsOfAsync(h, "c1"));
        Assert.Equal(0, (await h.Engine.GetStatsAsync("cooled")).Entered);
    }
}
