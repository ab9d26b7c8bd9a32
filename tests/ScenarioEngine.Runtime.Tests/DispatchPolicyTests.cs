using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Simulation;
using ScenarioEngine.Runtime.Storage;
using static ScenarioEngine.Runtime.Tests.EngineHarness;

namespace ScenarioEngine.Runtime.Tests;

public sealed class DispatchPolicyTests
{
    private static readonly MessageDocument Hello = Message("hello");

    private static readonly QuietHours Night = new(new TimeOnly(21, 0), new TimeOnly(9, 0));

    // 23:00 in Tokyo (UTC+9) is 14:00Z; 09:00 the next morning is 00:00Z.
    private static readonly DateTimeOffset ElevenPmTokyo = new(2026, 3, 2, 14, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NineAmTokyo = new(2026, 3, 3, 0, 0, 0, TimeSpan.Zero);

    private static Journey SendOn(string id, string trigger, string medium, bool transactional = false, string? wait = null)
    {
        var pause = wait is null ? "" : $$"""
            "pause": { "type": "wait", "for": "{{wait}}", "next": "send" },
            """;
        return Journey($$"""
            {
              "id": "{{id}}", "name": "{{id}}", "trigger": { "event": "{{trigger}}" }, "start": "{{(wait is null ? "send" : "pause")}}",
              "steps": {
                {{pause}}
                "send": { "type": "send", "medium": "{{medium}}", "message": "hello", "transactional": {{(transactional ? "true" : "false")}}, "next": "done" },
                "done": { "type": "exit" }
              }
            }
            """, Hello);
    }

    // One message at a time: which of two racing sends a cap lets through is only fixed when they are dispatched in order.
    private static EngineOptions Options(SendPolicyOptions policy) => new() { Policy = policy, HandlerConcurrency = 1 };

    private static async Task<List<TimelineEntry>> OutcomesAsync(EngineHarness h, string customer) =>
        (await h.TimelineAsync(customer)).Where(t => t.Kind == "message" && t.Data?.ContainsKey("outcome") == true).ToList();

    [Fact]
    public async Task Dispatch_QuietHoursAt23Tokyo_DeferredAndDeliveredAt09Local()
    {
        var clock = new ManualClock(ElevenPmTokyo.AddHours(-1));
        var channel = new ScriptedChannel(Medium.Email, clock);
        var h = new EngineHarness([SendOn("j", "purchase", Medium.Email)], [Hello], Options(new SendPolicyOptions { QuietHours = Night }), [channel], clock: clock);
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", ElevenPmTokyo.AddHours(-1), zone: "Asia/Tokyo"));
        await h.DrainAsync();
        h.Clock.MoveTo(ElevenPmTokyo);
        await h.IngestAsync(Purchase("p1", "c1", ElevenPmTokyo));

        await h.RunUntilAsync(NineAmTokyo.AddSeconds(-1));
        Assert.Empty(channel.Calls);
        Assert.Equal(1, await h.StepCountAsync("deferred"));
        // Deferred until 09:00 in the customer's zone.
        Assert.Contains(await h.TimelineAsync("c1"), t => t.Kind == "message" && t.Data?["outcome"] == "deferred"
            && t.Text.Contains("deferred until 2026-03-03T09:00:00.0000000+09:00", StringComparison.Ordinal) && t.Text.Contains("quietHours", StringComparison.Ordinal));

        await h.RunUntilAsync(NineAmTokyo.AddHours(1));
        var (message, at) = Assert.Single(channel.Delivered);
        Assert.Equal(NineAmTokyo, at);
        Assert.Equal("c1", message.CustomerId);
        Assert.Equal(1, (await h.Engine.GetStatsAsync("j")).Counts["send.deferred"]);
        Assert.Equal(1, (await h.Engine.GetStatsAsync("j")).Counts["send.sent"]);
    }

    [Fact]
    public async Task Dispatch_TransactionalAt23Tokyo_BypassesQuietHours()
    {
        var h = new EngineHarness([SendOn("j", "purchase", Medium.Email, transactional: true)], [Hello], Options(new SendPolicyOptions { QuietHours = Night }), start: ElevenPmTokyo);
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", ElevenPmTokyo, zone: "Asia/Tokyo"), Purchase("p1", "c1", ElevenPmTokyo.AddSeconds(1)));

        await h.DrainAsync();

        Assert.Single(h.Recording(Medium.Email).Sent);
        Assert.Equal(0, await h.StepCountAsync("deferred"));
    }

    [Fact]
    public async Task Dispatch_CapOnePerDayAcrossMediaTwoJourneys_SecondSkippedWithReason()
    {
        var policy = new SendPolicyOptions { Caps = [new FrequencyCap(null, 1, TimeSpan.FromDays(1))] };
        var h = new EngineHarness([SendOn("a-mail", "purchase", Medium.Email), SendOn("b-line", "purchase", Medium.Line)], [Hello], Options(policy));
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0.AddSeconds(1)));

        await h.RunUntilAsync(T0.AddDays(2));

        Assert.Single(h.Recording(Medium.Email).Sent);
        Assert.Empty(h.Recording(Medium.Line).Sent);
        Assert.Equal(1, await h.StepCountAsync("skipped"));
        var skipped = Assert.Single(await OutcomesAsync(h, "c1"), o => o.Data!["outcome"] == "skipped");
        Assert.Equal("b-line", skipped.JourneyId);
        Assert.Contains("frequencyCap", skipped.Text, StringComparison.Ordinal);
        Assert.Contains("cap of 1 per 1.00:00:00 for all media reached", skipped.Text, StringComparison.Ordinal);
        Assert.Equal(1, (await h.Engine.GetStatsAsync("b-line")).Counts["send.skipped"]);
    }

    [Fact]
    public async Task Dispatch_NoConsent_SkippedAndNothingDelivered()
    {
        var h = new EngineHarness([SendOn("j", "purchase", Medium.Email)], [Hello]);
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", T0, email: false), Purchase("p1", "c1", T0.AddSeconds(1)));

        await h.DrainAsync();

        Assert.Empty(h.AllRecorded);
        Assert.Equal(1, await h.StepCountAsync("skipped"));
        var outcome = Assert.Single(await OutcomesAsync(h, "c1"));
        Assert.Equal("skipped", outcome.Data!["outcome"]);
        Assert.Contains("consent", outcome.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_BouncedBeforeTheSend_Skipped()
    {
        var h = new EngineHarness([SendOn("j", "purchase", Medium.Email, wait: "P1D")], [Hello]);
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0.AddSeconds(1)));
        await h.RunUntilAsync(T0.AddHours(12));
        await h.IngestAsync(Event("b1", "email.bounced", "c1", T0.AddHours(12)));

        await h.RunUntilAsync(T0.AddDays(2));

        Assert.Empty(h.AllRecorded);
        var outcome = Assert.Single(await OutcomesAsync(h, "c1"));
        Assert.Equal("skipped", outcome.Data!["outcome"]);
        Assert.Contains("suppressed", outcome.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_ChannelSaysRetryLater_RetriedAfterTheDelayAndDeliveredOnce()
    {
        var clock = new ManualClock(T0);
        var channel = new ScriptedChannel(Medium.Email, clock, _ => new RetryLater(TimeSpan.FromMinutes(10), "rate limited"));
        var h = new EngineHarness([SendOn("j", "purchase", Medium.Email)], [Hello], channels: [channel], clock: clock);
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0.AddSeconds(1)));

        await h.DrainAsync();
        Assert.Single(channel.Calls);
        Assert.Empty(channel.Delivered);
        Assert.Empty((await h.CustomerAsync("c1")).RecentSends);

        await h.RunUntilAsync(T0.AddMinutes(10));

        Assert.Equal(2, channel.Calls.Count);
        var (message, at) = Assert.Single(channel.Delivered);
        Assert.Equal(T0.AddMinutes(10), at);
        Assert.Equal(channel.Calls[0].Message.IdempotencyKey, message.IdempotencyKey);
        Assert.Equal(1, await h.StepCountAsync("sent"));
        Assert.Contains(await h.TimelineAsync("c1"), t => t.Text.Contains("deferred until", StringComparison.Ordinal) && t.Text.Contains("rate limited", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispatch_ChannelRejects_RecordsFailedAndFreesTheCap()
    {
        var policy = new SendPolicyOptions { Caps = [new FrequencyCap(null, 1, TimeSpan.FromDays(1))] };
        var clock = new ManualClock(T0);
        var email = new ScriptedChannel(Medium.Email, clock, _ => new Rejected("invalid address"));
        var h = new EngineHarness([SendOn("a-mail", "purchase", Medium.Email), SendOn("b-line", "signup", Medium.Line)], [Hello], Options(policy), [email], clock: clock);
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0.AddSeconds(1)));
        await h.DrainAsync();

        Assert.Equal(1, await h.StepCountAsync("failed"));
        Assert.Empty(email.Delivered);
        var failed = Assert.Single(await OutcomesAsync(h, "c1"));
        Assert.Equal("failed", failed.Data!["outcome"]);
        Assert.Contains("invalid address", failed.Text, StringComparison.Ordinal);
        Assert.Empty((await h.CustomerAsync("c1")).RecentSends);

        clock.Advance(TimeSpan.FromHours(1));
        await h.IngestAsync(Event("s1", "signup", "c1", clock.GetUtcNow()));
        await h.DrainAsync();

        Assert.Single(h.Recording(Medium.Line).Sent);
        Assert.Equal(0, await h.StepCountAsync("skipped"));
        Assert.Equal(1, (await h.Engine.GetStatsAsync("a-mail")).Counts["send.failed"]);
    }

    [Fact]
    public async Task Dispatch_RejectedAtTheSameInstantAsADelivery_FreesOnlyItsOwnCapEntry()
    {
        // Two emails claimed at the same (virtual) instant: one delivered, one rejected. Only the rejected one leaves the history.
        var policy = new SendPolicyOptions { Caps = [new FrequencyCap(Medium.Email, 2, TimeSpan.FromDays(1))] };
        var clock = new ManualClock(T0);
        var email = new ScriptedChannel(Medium.Email, clock, m => new Delivered("ok"), m => new Rejected("mailbox full"));
        var h = new EngineHarness(
            [SendOn("a", "purchase", Medium.Email), SendOn("b", "purchase", Medium.Email), SendOn("c", "signup", Medium.Email), SendOn("d", "signup", Medium.Email)],
            [Hello], Options(policy), [email], clock: clock);
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0.AddSeconds(1)));
        await h.DrainAsync();
        Assert.Single(email.Delivered);
        Assert.Equal(1, await h.StepCountAsync("failed"));
        Assert.Single((await h.CustomerAsync("c1")).RecentSends);

        clock.Advance(TimeSpan.FromHours(1));
        await h.IngestAsync(Event("s1", "signup", "c1", clock.GetUtcNow()));
        await h.DrainAsync();

        // One delivered earlier plus one now fill the cap of two: the last is skipped.
        Assert.Equal(2, email.Delivered.Count);
        Assert.Equal(1, await h.StepCountAsync("skipped"));
    }
}
