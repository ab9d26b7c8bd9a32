using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using static ScenarioEngine.Core.Tests.TestSupport;

namespace ScenarioEngine.Core.Tests.Policy;

public sealed class SendPolicyTests
{
    // 03:00Z is 12:00 in Tokyo: outside quiet hours.
    private static readonly DateTimeOffset Noon = Utc(2026, 5, 1, 3, 0);

    private static readonly QuietHours Night = new(new TimeOnly(21, 0), new TimeOnly(9, 0));

    private static CustomerProfile Consenting(string? zone = "Asia/Tokyo")
    {
        var p = Profile(zone: zone);
        p.Consent["line"] = true;
        p.Consent["postcard"] = true;
        return p;
    }

    private static PolicyDecision Decide(string medium, CustomerProfile profile, DateTimeOffset now, SendPolicyOptions? options = null,
        bool transactional = false, params SentMessage[] history) =>
        SendPolicy.Decide(medium, transactional, profile, history, now, options ?? new SendPolicyOptions());

    [Fact]
    public void Decide_NothingInTheWay_SendNow()
    {
        Assert.Equal(PolicyDecision.Send, Decide("email", Consenting(), Noon));
    }

    [Theory]
    [InlineData("email")]
    [InlineData("line")]
    [InlineData("postcard")]
    public void Decide_ConsentMissing_SkipConsent(string medium)
    {
        var decision = Decide(medium, Profile(emailConsent: false), Noon);

        Assert.Equal((PolicyOutcome.Skip, "consent"), (decision.Outcome, decision.Rule));
        Assert.Contains(medium, decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ConsentExplicitlyFalse_SkipConsent()
    {
        var p = Consenting();
        p.Consent["email"] = false;

        Assert.Equal("consent", Decide("email", p, Noon).Rule);
    }

    [Fact]
    public void Decide_WebhookWithoutConsent_SendNow()
    {
        Assert.Equal(PolicyOutcome.SendNow, Decide("webhook", Profile(emailConsent: false), Noon).Outcome);
    }

    [Fact]
    public void Decide_Suppressed_SkipSuppressedWithReason()
    {
        var p = Consenting();
        p.Suppressed["email"] = "hard bounce";

        var decision = Decide("email", p, Noon);

        Assert.Equal((PolicyOutcome.Skip, "suppressed"), (decision.Outcome, decision.Rule));
        Assert.Contains("hard bounce", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_TransactionalInQuietHoursAndOverCap_SendNow()
    {
        var options = new SendPolicyOptions { QuietHours = Night, Caps = [new FrequencyCap("email", 1, TimeSpan.FromDays(1))] };
        var lateNight = Utc(2026, 5, 1, 14, 0); // 23:00 JST

        var decision = Decide("email", Consenting(), lateNight, options, transactional: true, new SentMessage("email", lateNight.AddHours(-1), false));

        Assert.Equal(PolicyDecision.Send, decision);
    }

    [Fact]
    public void Decide_TransactionalWithoutConsent_SkipConsent()
    {
        Assert.Equal("consent", Decide("email", Profile(emailConsent: false), Noon, transactional: true).Rule);
    }

    [Fact]
    public void Decide_TransactionalSuppressed_Skip()
    {
        var p = Consenting();
        p.Suppressed["email"] = "spam report";

        Assert.Equal("suppressed", Decide("email", p, Noon, transactional: true).Rule);
    }

    [Fact]
    public void Decide_PerMediumCapReached_SkipFrequencyCap()
    {
        var options = new SendPolicyOptions { Caps = [new FrequencyCap("email", 2, TimeSpan.FromDays(7))] };

        var decision = Decide("email", Consenting(), Noon, options, false,
            new SentMessage("email", Noon.AddDays(-1), false), new SentMessage("email", Noon.AddDays(-6), false));

        Assert.Equal((PolicyOutcome.Skip, "frequencyCap"), (decision.Outcome, decision.Rule));
        Assert.Contains("email", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_PerMediumCapOtherMediumUsed_SendNow()
    {
        var options = new SendPolicyOptions { Caps = [new FrequencyCap("email", 2, TimeSpan.FromDays(7))] };

        var decision = Decide("email", Consenting(), Noon, options, false,
            new SentMessage("line", Noon.AddDays(-1), false), new SentMessage("line", Noon.AddDays(-2), false), new SentMessage("email", Noon.AddDays(-3), false));

        Assert.Equal(PolicyOutcome.SendNow, decision.Outcome);
    }

    [Fact]
    public void Decide_RollingWindow_MessageOlderThanWindowDoesNotCount()
    {
        var options = new SendPolicyOptions { Caps = [new FrequencyCap("email", 2, TimeSpan.FromDays(7))] };

        var exactlyAWeek = Decide("email", Consenting(), Noon, options, false,
            new SentMessage("email", Noon.AddDays(-1), false), new SentMessage("email", Noon.AddDays(-7), false));
        var justInside = Decide("email", Consenting(), Noon, options, false,
            new SentMessage("email", Noon.AddDays(-1), false), new SentMessage("email", Noon.AddDays(-7).AddMinutes(1), false));

        Assert.Equal(PolicyOutcome.SendNow, exactlyAWeek.Outcome);
        Assert.Equal(PolicyOutcome.Skip, justInside.Outcome);
    }

    [Fact]
    public void Decide_CrossMediaCapFromSeveralJourneys_SkipAllMedia()
    {
        // Three marketing messages by three media (sent by different journeys) fill the cross-media cap of 3 a week.
        var options = new SendPolicyOptions
        {
            Caps = [new FrequencyCap("email", 2, TimeSpan.FromDays(7)), new FrequencyCap(null, 3, TimeSpan.FromDays(7))],
        };

        var decision = Decide("line", Consenting(), Noon, options, false,
            new SentMessage("email", Noon.AddDays(-1), false), new SentMessage("postcard", Noon.AddDays(-2), false), new SentMessage("webhook", Noon.AddDays(-3), false));

        Assert.Equal((PolicyOutcome.Skip, "frequencyCap"), (decision.Outcome, decision.Rule));
        Assert.Contains("all media", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_TransactionalHistory_NotCounted()
    {
        var options = new SendPolicyOptions { Caps = [new FrequencyCap("email", 1, TimeSpan.FromDays(7)), new FrequencyCap(null, 1, TimeSpan.FromDays(7))] };

        var decision = Decide("email", Consenting(), Noon, options, false,
            new SentMessage("email", Noon.AddHours(-1), true), new SentMessage("line", Noon.AddHours(-2), true));

        Assert.Equal(PolicyOutcome.SendNow, decision.Outcome);
    }

    [Fact]
    public void Decide_OverCapDefer_DefersUntilOldestMessageLeavesWindow()
    {
        var options = new SendPolicyOptions { OverCap = CapAction.Defer, Caps = [new FrequencyCap("email", 2, TimeSpan.FromDays(1))] };

        var decision = Decide("email", Consenting(), Noon, options, false,
            new SentMessage("email", Noon.AddHours(-2), false), new SentMessage("email", Noon.AddHours(-20), false));

        // The window has room again 24 h after the message of 20 h ago: Noon + 4 h (16:00 JST, outside quiet hours).
        Assert.Equal((PolicyOutcome.Defer, "frequencyCap", (DateTimeOffset?)Noon.AddHours(4)), (decision.Outcome, decision.Rule, decision.DeferUntil));
    }

    [Fact]
    public void Decide_OverCapDeferWithMoreThanMax_WaitsForEnoughToLeave()
    {
        var options = new SendPolicyOptions { OverCap = CapAction.Defer, Caps = [new FrequencyCap(null, 2, TimeSpan.FromDays(1))] };

        var decision = Decide("email", Consenting(), Noon, options, false,
            new SentMessage("email", Noon.AddHours(-20), false), new SentMessage("line", Noon.AddHours(-10), false), new SentMessage("email", Noon.AddHours(-1), false));

        // Two of the three must leave: the one of 10 h ago leaves at Noon + 14 h.
        Assert.Equal(Noon.AddHours(14), decision.DeferUntil);
    }

    [Fact]
    public void Decide_OverCapDeferSeveralCaps_LatestFreeTimeWins()
    {
        var options = new SendPolicyOptions
        {
            OverCap = CapAction.Defer,
            Caps = [new FrequencyCap("email", 1, TimeSpan.FromHours(6)), new FrequencyCap(null, 2, TimeSpan.FromDays(1))],
        };

        var decision = Decide("email", Consenting(), Noon, options, false,
            new SentMessage("email", Noon.AddHours(-1), false), new SentMessage("line", Noon.AddHours(-23), false));

        // The email cap frees at +5 h, the cross-media cap at +1 h: the message must wait for both.
        Assert.Equal(Noon.AddHours(5), decision.DeferUntil);
    }

    [Fact]
    public void Decide_OverCapDeferIntoQuietHours_DefersToQuietEnd()
    {
        var options = new SendPolicyOptions { OverCap = CapAction.Defer, QuietHours = Night, Caps = [new FrequencyCap("email", 1, TimeSpan.FromDays(1))] };
        var evening = Utc(2026, 5, 1, 10, 0); // 19:00 JST

        var decision = Decide("email", Consenting(), evening, options, false, new SentMessage("email", evening.AddHours(-21), false));

        // The cap frees at 22:00 JST, inside quiet hours: the message waits until 09:00 JST the next day.
        Assert.Equal((PolicyOutcome.Defer, "quietHours", (DateTimeOffset?)Utc(2026, 5, 2, 0, 0)), (decision.Outcome, decision.Rule, decision.DeferUntil));
    }

    [Theory]
    [InlineData(13, 0, 2)]  // 22:00 JST on 1 May -> 09:00 JST on 2 May
    [InlineData(16, 0, 2)]  // 01:00 JST on 2 May -> 09:00 JST the same day
    [InlineData(12, 0, 2)]  // 21:00 JST exactly
    [InlineData(23, 59, 2)] // 08:59 JST on 2 May
    public void Decide_QuietHoursTokyo_DefersTo0900Local(int hourUtc, int minuteUtc, int expectedDay)
    {
        var options = new SendPolicyOptions { QuietHours = Night };

        var decision = Decide("email", Consenting(), Utc(2026, 5, 1, hourUtc, minuteUtc), options);

        Assert.Equal((PolicyOutcome.Defer, "quietHours", (DateTimeOffset?)Utc(2026, 5, expectedDay, 0, 0)), (decision.Outcome, decision.Rule, decision.DeferUntil));
    }

    [Theory]
    [InlineData(0, 0)]   // 09:00 JST: quiet hours are over
    [InlineData(11, 59)] // 20:59 JST
    public void Decide_OutsideQuietHoursTokyo_SendNow(int hourUtc, int minuteUtc)
    {
        var decision = Decide("email", Consenting(), Utc(2026, 5, 1, hourUtc, minuteUtc), new SendPolicyOptions { QuietHours = Night });

        Assert.Equal(PolicyOutcome.SendNow, decision.Outcome);
    }

    [Theory]
    [InlineData("2026-03-08T06:30:00Z", "2026-03-08T13:00:00Z")] // 01:30 EST on spring-forward day -> 09:00 EDT
    [InlineData("2026-03-08T02:00:00Z", "2026-03-08T13:00:00Z")] // 21:00 EST the evening before -> 09:00 EDT
    [InlineData("2026-11-01T04:30:00Z", "2026-11-01T14:00:00Z")] // 00:30 EDT on fall-back day -> 09:00 EST
    [InlineData("2026-11-01T06:30:00Z", "2026-11-01T14:00:00Z")] // 01:30 EST (the repeated hour, second time) -> 09:00 EST
    [InlineData("2026-11-01T01:00:00Z", "2026-11-01T14:00:00Z")] // 21:00 EDT the evening before -> 09:00 EST
    public void Decide_QuietHoursNewYorkOnDstChange_DefersToCorrectUtc(string now, string expected)
    {
        var options = new SendPolicyOptions { QuietHours = Night };

        var decision = Decide("email", Consenting("America/New_York"), DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), options);

        Assert.Equal(PolicyOutcome.Defer, decision.Outcome);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), decision.DeferUntil);
    }

    [Fact]
    public void Decide_CustomerZoneOverridesDefault_UsesCustomerLocalTime()
    {
        // 13:00Z is 22:00 in Tokyo (the default) but 14:00 in London (the customer's zone).
        var options = new SendPolicyOptions { QuietHours = Night, DefaultTimeZone = Zone("Asia/Tokyo") };
        var now = Utc(2026, 5, 1, 13, 0);

        Assert.Equal(PolicyOutcome.SendNow, Decide("email", Consenting("Europe/London"), now, options).Outcome);
        Assert.Equal(PolicyOutcome.Defer, Decide("email", Consenting(null), now, options).Outcome);
        Assert.Equal(PolicyOutcome.Defer, Decide("email", Consenting("Not/AZone"), now, options).Outcome);
    }

    [Fact]
    public void Decide_QuietHoursReason_NamesTheZone()
    {
        var decision = Decide("email", Consenting("Europe/London"), Utc(2026, 5, 1, 22, 0), new SendPolicyOptions { QuietHours = Night });

        Assert.Equal("quiet hours 21:00-09:00 in Europe/London", decision.Reason);
        Assert.Equal(Utc(2026, 5, 2, 8, 0), decision.DeferUntil);
    }

    /// <summary>
    /// BUG (LocalTime.NextAt): quiet hours ending at 01:30 in New York, asked at 01:10 EST during the repeated hour of the
    /// fall-back night. The clock next shows 01:30 twenty minutes later (06:30Z), but NextAt only tries the first (EDT)
    /// occurrence of 01:30, finds it in the past and defers the message a whole day.
    /// </summary>
    [Fact]
    public void Decide_QuietHoursEndingInRepeatedHour_DefersToSecondOccurrence()
    {
        var options = new SendPolicyOptions { QuietHours = new QuietHours(new TimeOnly(23, 0), new TimeOnly(1, 30)) };
        var now = Utc(2026, 11, 1, 6, 10); // 01:10 EST, after the clocks went back

        var decision = Decide("email", Consenting("America/New_York"), now, options);

        Assert.Equal(Utc(2026, 11, 1, 6, 30), decision.DeferUntil);
    }

    [Fact]
    public void QuietHours_Contains_HandlesSpanOverMidnightAndSameDay()
    {
        var day = new QuietHours(new TimeOnly(12, 0), new TimeOnly(13, 0));

        Assert.True(Night.Contains(new TimeOnly(23, 0)));
        Assert.True(Night.Contains(new TimeOnly(8, 59)));
        Assert.False(Night.Contains(new TimeOnly(9, 0)));
        Assert.False(Night.Contains(new TimeOnly(20, 59)));
        Assert.True(day.Contains(new TimeOnly(12, 30)));
        Assert.False(day.Contains(new TimeOnly(13, 0)));
    }
}

public sealed class SendPolicyCapEdgeTests
{
    /// <summary>
    /// BUG: a cap of 0 ("no marketing by this medium") with OverCap = Defer indexes inWindow[Count - 0] on an empty list and
    /// throws ArgumentOutOfRangeException. No time ever frees such a cap, so the decision should be Skip.
    /// </summary>
    [Fact]
    public void Decide_ZeroCapWithDefer_SkipsInsteadOfThrowing()
    {
        var options = new SendPolicyOptions { OverCap = CapAction.Defer, Caps = [new FrequencyCap("email", 0, TimeSpan.FromDays(1))] };

        var decision = SendPolicy.Decide("email", false, Profile(), [], T0, options);

        Assert.Equal((PolicyOutcome.Skip, "frequencyCap"), (decision.Outcome, decision.Rule));
    }

    [Fact]
    public void Decide_ZeroCapWithSkip_Skips()
    {
        var options = new SendPolicyOptions { Caps = [new FrequencyCap("email", 0, TimeSpan.FromDays(1))] };

        Assert.Equal(PolicyOutcome.Skip, SendPolicy.Decide("email", false, Profile(), [], T0, options).Outcome);
    }
}
