using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Journeys.Storage.Simulation;
using ScenarioEngine.Runtime.Simulation;
using static ScenarioEngine.Runtime.Tests.EngineHarness;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>The 24-hour publish forecast for each trigger kind, over customers the real engine stored.</summary>
public sealed class PublishForecasterTests
{
    private static readonly MessageDocument Note = Message("note");

    // Monday 10:00 in Tokyo.
    private static readonly DateTimeOffset AsOf = T0.AddDays(120);

    private static Journey SendAfter(string id, string trigger, string wait = "PT1H", string extra = "") => Journey($$"""
        { "id": "{{id}}", "name": "{{id}}", "trigger": {{trigger}}, {{extra}} "start": "wait",
          "steps": { "wait": { "type": "wait", "for": "{{wait}}", "next": "send" },
                     "send": { "type": "send", "medium": "email", "message": "note", "next": "done" }, "done": { "type": "exit" } } }
        """, Note) with { Version = 0 };

    private static async Task<EngineHarness> StartAsync(IEnumerable<Journey>? published = null, IEnumerable<Segment>? segments = null, EngineOptions? options = null)
    {
        var h = new EngineHarness(published ?? [], [Note], options, start: AsOf.AddDays(-100));
        h.Engine.Catalog.PutSegments(segments ?? []);
        await h.InitializeAsync();
        return h;
    }

    private static async Task AtAsync(EngineHarness h, params CustomerEvent[] events)
    {
        foreach (var e in events.OrderBy(e => e.OccurredAt))
        {
            await h.RunUntilAsync(e.OccurredAt);
            await h.IngestAsync(e);
            await h.DrainAsync();
        }
    }

    private static Task<PublishForecast> ForecastAsync(EngineHarness h, Journey draft) =>
        new PublishForecaster(h.Store, h.Options).ForecastAsync(draft, h.Engine.Catalog, AsOf);

    private static CustomerEvent Cart(string id, string customer, DateTimeOffset at) => Event(id, "cart.updated", customer, at, ("cartId", Value.From("k-" + id)));

    [Fact]
    public async Task Forecast_EventTrigger_ReplaysLastDayAndCountsOnlySendsInsideWindow()
    {
        var h = await StartAsync();
        await AtAsync(h,
            Identify("early", AsOf.AddDays(-3)), Identify("late", AsOf.AddDays(-3)), Identify("old", AsOf.AddDays(-3)), Identify("buyer", AsOf.AddDays(-3)),
            Cart("c-old", "old", AsOf.AddHours(-30)),         // before the last 24 hours: not the forecast's basis
            Cart("c-early", "early", AsOf.AddHours(-5)),      // replayed at +19 h, sent at +20 h
            Cart("c-late", "late", AsOf.AddMinutes(-30)),     // replayed at +23.5 h, would be sent at +24.5 h: outside
            Purchase("p-1", "buyer", AsOf.AddHours(-2)));     // another event type
        await h.RunUntilAsync(AsOf);

        var forecast = await ForecastAsync(h, SendAfter("cart", """{ "event": "cart.updated" }"""));

        Assert.Equal(1, forecast.Customers);
        Assert.Equal(2, forecast.Entered);
        Assert.Equal(1, forecast.MessagesByMedium[Medium.Email]);
        var step = Assert.Single(forecast.Steps);
        Assert.Equal(("send", Medium.Email, 1, 1), (step.StepId, step.Medium, step.Messages, step.Customers));
        Assert.Equal(("event", true, 2, 4), (forecast.Basis.Trigger, forecast.Basis.Estimate, forecast.Basis.Candidates, forecast.Basis.Scanned));
        Assert.Equal((1, AsOf, AsOf.AddHours(24)), (forecast.Version, forecast.AsOf, forecast.Until));
    }

    [Fact]
    public async Task Forecast_EventTriggerWithCapReachedByEarlierSend_CountsNoMessage()
    {
        var options = new EngineOptions { HandlerConcurrency = 1, Policy = new SendPolicyOptions { Caps = [new FrequencyCap(Medium.Email, 1, TimeSpan.FromDays(2))] } };
        var h = await StartAsync([SendAfter("welcome", """{ "event": "signup" }""", "PT1M") with { Version = 1 }], options: options);
        await AtAsync(h, Identify("c1", AsOf.AddDays(-3)), Event("s-1", "signup", "c1", AsOf.AddHours(-3)), Cart("c-1", "c1", AsOf.AddHours(-2)));
        await h.RunUntilAsync(AsOf);
        Assert.Single(h.Recording(Medium.Email).Sent);

        var forecast = await ForecastAsync(h, SendAfter("cart", """{ "event": "cart.updated" }""", "PT1M"));

        // The welcome e-mail of 3 hours ago fills the two-day cap: the cart reminder would be skipped.
        Assert.Equal((0, 1), (forecast.Customers, forecast.Entered));
        Assert.Empty(forecast.MessagesByMedium);
    }

    [Fact]
    public async Task Forecast_JsonSegmentTrigger_EntersThoseWhoJoinWithinWindowNotCurrentMembers()
    {
        var lapsing = SegmentTests.Segment("""{ "id": "lapsing", "name": "Lapsing", "when": { "attr": "orders.lastAt", "olderThan": "P90D" } }""");
        var h = await StartAsync(segments: [lapsing]);
        await AtAsync(h, Identify("member", AsOf.AddDays(-99)), Identify("joins", AsOf.AddDays(-99)), Identify("active", AsOf.AddDays(-99)),
            Purchase("p-m", "member", AsOf.AddDays(-95)), Purchase("p-j", "joins", AsOf.AddDays(-89.5)), Purchase("p-a", "active", AsOf.AddDays(-10)));
        await h.RunUntilAsync(AsOf.AddHours(-1));
        await h.Engine.RecomputeAnalyticsAsync(AsOf.AddHours(-1));
        await h.DrainAsync();
        Assert.Contains("lapsing", SegmentMembership.Of((await h.CustomerAsync("member")).Profile));

        var forecast = await ForecastAsync(h, SendAfter("win-back", """{ "segment": "lapsing" }"""));

        Assert.Equal(("segment", true, 1), (forecast.Basis.Trigger, forecast.Basis.Estimate, forecast.Basis.Candidates));
        Assert.Equal(1, forecast.Customers);
        Assert.Equal(1, forecast.MessagesByMedium[Medium.Email]);
    }

    [Fact]
    public async Task Forecast_DateTrigger_CountsCustomersWhoseDateFallsInWindowInTheirZone()
    {
        var h = await StartAsync();
        // Fires 3 days before the birthday at 18:00 local. AsOf is 10:00 in Tokyo on 30 June 2026 (15:00 on 29 June in Honolulu).
        var birthday = Value.From("1990-07-03");
        await AtAsync(h,
            Identify("tokyo", AsOf.AddDays(-3), zone: "Asia/Tokyo", more: ("birthday", birthday)),
            Identify("honolulu", AsOf.AddDays(-3), zone: "Pacific/Honolulu", more: ("birthday", birthday)),
            Identify("none", AsOf.AddDays(-3), zone: "Asia/Tokyo"));
        await h.RunUntilAsync(AsOf);

        var forecast = await ForecastAsync(h, SendAfter("birthday", """{ "date": { "attr": "profile.birthday", "offsetDays": -3, "at": "18:00", "yearly": true } }""", "PT1M"));

        // Tokyo: 30 June 18:00 local, in 8 hours. Honolulu: 30 June 18:00 local, in 27 hours.
        Assert.Equal(("date", false, 1), (forecast.Basis.Trigger, forecast.Basis.Estimate, forecast.Basis.Candidates));
        Assert.Equal((1, 1), (forecast.Entered, forecast.MessagesByMedium.GetValueOrDefault(Medium.Email)));
    }

    [Fact]
    public async Task Forecast_ScheduleTrigger_CountsWholeAudienceOnlyWhenFiringFallsInWindow()
    {
        var h = await StartAsync();
        await AtAsync(h, Identify("a", AsOf.AddDays(-3)), Identify("b", AsOf.AddDays(-3)), Identify("no-consent", AsOf.AddDays(-3), email: false));
        await h.RunUntilAsync(AsOf);
        string At(TimeSpan after) => AsOf.Add(after).UtcDateTime.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture);

        var inside = await ForecastAsync(h, SendAfter("sale", $$"""{ "schedule": { "at": "{{At(TimeSpan.FromHours(6))}}", "localTime": false, "timeZone": "UTC" } }""", "PT1M"));
        var outside = await ForecastAsync(h, SendAfter("sale", $$"""{ "schedule": { "at": "{{At(TimeSpan.FromHours(30))}}", "localTime": false, "timeZone": "UTC" } }""", "PT1M"));

        // Three enter; the one without e-mail consent is not messaged.
        Assert.Equal(("schedule", false, 3), (inside.Basis.Trigger, inside.Basis.Estimate, inside.Basis.Candidates));
        Assert.Equal((2, 3, 2), (inside.Customers, inside.Entered, inside.Messages));
        Assert.Equal((0, 0, 0), (outside.Customers, outside.Basis.Candidates, outside.Messages));
    }

    [Fact]
    public async Task Forecast_NewVersionWithReentryNever_LeavesOutCustomersWhoEnteredEarlierVersion()
    {
        var v1 = SendAfter("cart", """{ "event": "signup" }""", "PT1M") with { Version = 1 };
        var h = await StartAsync([v1]);
        await AtAsync(h, Identify("in", AsOf.AddDays(-3)), Identify("fresh", AsOf.AddDays(-3)), Event("s-1", "signup", "in", AsOf.AddDays(-2)),
            Cart("c-in", "in", AsOf.AddHours(-4)), Cart("c-fresh", "fresh", AsOf.AddHours(-4)));
        await h.RunUntilAsync(AsOf);
        Assert.Equal(1, (await h.Engine.GetStatsAsync("cart")).Entered);

        var forecast = await ForecastAsync(h, SendAfter("cart", """{ "event": "cart.updated" }""", "PT1M"));

        Assert.Equal((2, 1, 1), (forecast.Version, forecast.Basis.AlreadyInJourney, forecast.Basis.Candidates));
        Assert.Equal((1, 1), (forecast.Customers, forecast.Entered));
    }

    [Fact]
    public async Task Forecast_RfmSegmentTrigger_EntersWhomTheDailyJobAtWindowEndMovesIn()
    {
        var h = await StartAsync();
        var buyers = new (string Customer, double DaysAgo, int Orders, double Amount)[]
        {
            ("a", 2, 5, 20_000), ("b", 40, 1, 3_000), ("c", 200, 2, 8_000), ("d", 9, 3, 6_000), ("e", 75, 1, 40_000), ("f", 120, 4, 2_000),
        };
        var events = new List<CustomerEvent>();
        foreach (var (customer, daysAgo, orders, amount) in buyers)
        {
            events.Add(Identify(customer, AsOf.AddDays(-99)));
            for (var i = 0; i < orders; i++)
            {
                events.Add(Purchase($"p-{customer}-{i}", customer, AsOf.AddDays(-daysAgo - 7 * i), amount));
            }
        }

        await AtAsync(h, [.. events]);
        await h.RunUntilAsync(AsOf.AddHours(-1));
        await h.Engine.RecomputeAnalyticsAsync(AsOf.AddHours(-1));
        await h.DrainAsync();
        await AtAsync(h, Identify("fresh", AsOf.AddHours(-1)), Purchase("p-fresh", "fresh", AsOf.AddMinutes(-10), 9_000)); // after the job: no RFM segment yet
        await h.RunUntilAsync(AsOf);
        var before = await RfmSegmentsAsync(h);
        var forecasts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var segment in Catalog.ReservedSegmentIds)
        {
            var forecast = await ForecastAsync(h, SendAfter("rfm-" + segment, $$"""{ "segment": "{{segment}}" }""", "PT1M"));
            Assert.Equal(("segment", true), (forecast.Basis.Trigger, forecast.Basis.Estimate));
            forecasts[segment] = forecast.Entered;
        }

        // What the daily job run at the window's end does.
        await h.RunUntilAsync(AsOf.AddHours(24));
        await h.Engine.RecomputeAnalyticsAsync(AsOf.AddHours(24));
        await h.DrainAsync();
        var after = await RfmSegmentsAsync(h);
        var moved = Catalog.ReservedSegmentIds.ToDictionary(id => id, id => after.Count(kv => kv.Value == id && before.GetValueOrDefault(kv.Key) != id), StringComparer.Ordinal);

        Assert.True(moved.Values.Sum() > 0, "the job should move someone (the fresh buyer at least)");
        Assert.Equal(moved.OrderBy(kv => kv.Key, StringComparer.Ordinal), forecasts.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    private static async Task<Dictionary<string, string?>> RfmSegmentsAsync(EngineHarness h)
    {
        var segments = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var customer in new[] { "a", "b", "c", "d", "e", "f", "fresh" })
        {
            segments[customer] = (await h.CustomerAsync(customer)).Profile.Computed.TryGetValue("rfm.segment", out var v) ? v.AsString : null;
        }

        return segments;
    }
}
