using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using static ScenarioEngine.Core.Tests.TestSupport;

namespace ScenarioEngine.Core.Tests.Machine;

public sealed class JourneyEntryTests
{
    private const string ExitOnly = """ "a": { "type": "exit" } """;

    private static Journey WithReentry(string reentry) =>
        Journey(Doc(ExitOnly, extra: $$""" "reentry": {{reentry}}, """));

    private static JourneyInstance Earlier(InstanceStatus status, DateTimeOffset? exitedAt, string journeyId = "j1") => new()
    {
        InstanceId = "old", JourneyId = journeyId, Version = 0, CustomerId = "c1", Status = status, ExitedAt = exitedAt, EnteredAt = T0.AddDays(-60),
    };

    [Fact]
    public void IsTriggeredBy_EventMatchingTypeAndWhere_True()
    {
        var journey = Journey(Doc(ExitOnly, trigger: """{ "event": "purchase", "where": { "attr": "event.amount", "gte": 5000 } }"""));

        Assert.True(JourneyEntry.IsTriggeredBy(journey, Event("purchase", T0, props: ("amount", Value.From(5000))), Profile(), T0));
        Assert.False(JourneyEntry.IsTriggeredBy(journey, Event("purchase", T0, props: ("amount", Value.From(4999))), Profile(), T0));
        Assert.False(JourneyEntry.IsTriggeredBy(journey, Event("purchase", T0), Profile(), T0));
        Assert.False(JourneyEntry.IsTriggeredBy(journey, Event("refund", T0, props: ("amount", Value.From(9000))), Profile(), T0));
    }

    [Fact]
    public void IsTriggeredBy_WhereOnProfile_SeesTheProfile()
    {
        var journey = Journey(Doc(ExitOnly, trigger: """{ "event": "login", "where": { "attr": "profile.plan", "eq": "pro" } }"""));
        var pro = Profile();
        pro.Attributes["plan"] = Value.From("pro");

        Assert.True(JourneyEntry.IsTriggeredBy(journey, Event("login", T0), pro, T0));
        Assert.False(JourneyEntry.IsTriggeredBy(journey, Event("login", T0), Profile(), T0));
    }

    [Fact]
    public void IsTriggeredBy_SegmentEnteredForThatSegment_True()
    {
        var journey = Journey(Doc(ExitOnly, trigger: """{ "segment": "champions" }"""));

        Assert.True(JourneyEntry.IsTriggeredBy(journey, Event("segment.entered", T0, props: ("segment", Value.From("champions"))), Profile(), T0));
        Assert.False(JourneyEntry.IsTriggeredBy(journey, Event("segment.entered", T0, props: ("segment", Value.From("loyal"))), Profile(), T0));
        Assert.False(JourneyEntry.IsTriggeredBy(journey, Event("segment.left", T0, props: ("segment", Value.From("champions"))), Profile(), T0));
    }

    [Fact]
    public void IsTriggeredBy_DateTrigger_NeverByEvent()
    {
        var journey = Journey(Doc(ExitOnly, trigger: """{ "date": { "attr": "profile.birthday" } }"""));

        Assert.False(JourneyEntry.IsTriggeredBy(journey, Event("purchase", T0), Profile(), T0));
    }

    [Fact]
    public void IsTriggeredBy_DateOrScheduleTrigger_OnlyByDueEventNamingThisJourney()
    {
        var date = Journey(Doc(ExitOnly, trigger: """{ "date": { "attr": "profile.birthday" } }"""));
        var schedule = Journey(Doc(ExitOnly, trigger: """{ "schedule": { "at": "2026-12-01T10:00" } }"""));
        var due = Event(JourneyEntry.ScheduledEvent, T0, props: ("journey", Value.From("j1")));
        var dueForOther = Event(JourneyEntry.ScheduledEvent, T0, props: ("journey", Value.From("other")));

        Assert.True(JourneyEntry.IsTriggeredBy(date, due, Profile(), T0));
        Assert.True(JourneyEntry.IsTriggeredBy(schedule, due, Profile(), T0));
        Assert.False(JourneyEntry.IsTriggeredBy(date, dueForOther, Profile(), T0));
        Assert.False(JourneyEntry.IsTriggeredBy(Journey(Doc(ExitOnly)), due, Profile(), T0));
    }

    [Fact]
    public void Decide_NoEarlierInstance_Enters()
    {
        var decision = JourneyEntry.Decide(WithReentry("""{ "mode": "never" }"""), Profile(), null, [], T0);

        Assert.Equal(EntryDecision.Yes, decision);
    }

    [Fact]
    public void Decide_NeverAndEnteredBefore_Rejects()
    {
        var decision = JourneyEntry.Decide(WithReentry("""{ "mode": "never" }"""), Profile(), null, [Earlier(InstanceStatus.Exited, T0.AddDays(-50))], T0);

        Assert.False(decision.Enter);
        Assert.Contains("re-entry: never", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_DefaultReentry_IsNever()
    {
        var decision = JourneyEntry.Decide(Journey(Doc(ExitOnly)), Profile(), null, [Earlier(InstanceStatus.Exited, T0.AddDays(-50))], T0);

        Assert.False(decision.Enter);
    }

    [Fact]
    public void Decide_EarlierInstanceOfAnotherJourney_Ignored()
    {
        var decision = JourneyEntry.Decide(WithReentry("""{ "mode": "never" }"""), Profile(), null, [Earlier(InstanceStatus.Active, null, "other")], T0);

        Assert.True(decision.Enter);
    }

    [Fact]
    public void Decide_AfterExitWhileActive_Rejects()
    {
        var decision = JourneyEntry.Decide(WithReentry("""{ "mode": "afterExit", "cooldown": "P30D" }"""), Profile(), null, [Earlier(InstanceStatus.Active, null)], T0);

        Assert.False(decision.Enter);
        Assert.Contains("already in the journey", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_AfterExitInsideCooldown_RejectsSayingUntilWhen()
    {
        var exitedAt = T0.AddDays(-29);

        var decision = JourneyEntry.Decide(WithReentry("""{ "mode": "afterExit", "cooldown": "P30D" }"""), Profile(), null, [Earlier(InstanceStatus.Exited, exitedAt)], T0);

        Assert.False(decision.Enter);
        Assert.Contains("cooling down until 2026-05-02T00:00:00.0000000+00:00", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(45)]
    public void Decide_AfterExitCooldownPassed_Enters(int daysSinceExit)
    {
        var decision = JourneyEntry.Decide(WithReentry("""{ "mode": "afterExit", "cooldown": "P30D" }"""), Profile(), null,
            [Earlier(InstanceStatus.Exited, T0.AddDays(-daysSinceExit))], T0);

        Assert.True(decision.Enter, decision.Reason);
    }

    [Fact]
    public void Decide_AfterExitSeveralEarlier_CooldownFromLatestExit()
    {
        var earlier = new[] { Earlier(InstanceStatus.Exited, T0.AddDays(-5)), Earlier(InstanceStatus.Exited, T0.AddDays(-100)) };

        var decision = JourneyEntry.Decide(WithReentry("""{ "mode": "afterExit", "cooldown": "P30D" }"""), Profile(), null, earlier, T0);

        Assert.False(decision.Enter);
    }

    [Fact]
    public void Decide_AfterExitWithoutCooldown_EntersRightAfterExit()
    {
        var decision = JourneyEntry.Decide(WithReentry("""{ "mode": "afterExit" }"""), Profile(), null, [Earlier(InstanceStatus.Exited, T0)], T0);

        Assert.True(decision.Enter, decision.Reason);
    }

    [Fact]
    public void Decide_AlwaysEvenWhileActive_Enters()
    {
        var decision = JourneyEntry.Decide(WithReentry("""{ "mode": "always" }"""), Profile(), null, [Earlier(InstanceStatus.Active, null)], T0);

        Assert.True(decision.Enter);
    }

    [Fact]
    public void Decide_OutsideAudience_RejectsWithCondition()
    {
        var journey = Journey(Doc(ExitOnly, extra: """ "audience": { "attr": "consent.email", "eq": true }, """));

        var decision = JourneyEntry.Decide(journey, Profile(emailConsent: false), null, [], T0);

        Assert.False(decision.Enter);
        Assert.Equal("not in the audience: consent.email eq true", decision.Reason);
    }

    [Fact]
    public void Decide_AudienceOnTriggerEvent_SeesTheEvent()
    {
        var journey = Journey(Doc(ExitOnly, extra: """ "audience": { "attr": "event.channel", "ne": "store" }, """));

        Assert.True(JourneyEntry.Decide(journey, Profile(), Event("purchase", T0, props: ("channel", Value.From("web"))), [], T0).Enter);
        Assert.False(JourneyEntry.Decide(journey, Profile(), Event("purchase", T0, props: ("channel", Value.From("store"))), [], T0).Enter);
    }
}

public sealed class DueBetweenTests
{
    private static readonly Journey Birthday = Journey(Doc(""" "a": { "type": "exit" } """,
        trigger: """{ "date": { "attr": "profile.birthday", "offsetDays": -3, "at": "10:00", "yearly": true } }"""));

    private static CustomerProfile BornOn(string date, string zone = "Asia/Tokyo")
    {
        var p = Profile(zone: zone);
        p.Attributes["birthday"] = Value.From(date);
        return p;
    }

    [Fact]
    public void DueBetween_BirthdayThreeDaysBeforeAt10Tokyo_FiresAt01Utc()
    {
        // 10 May birthday: 7 May 10:00 JST = 7 May 01:00Z.
        var due = JourneyEntry.DueBetween(Birthday, BornOn("1990-05-10"), Utc(2026, 5, 6), Utc(2026, 5, 8), Settings);

        Assert.Equal(Utc(2026, 5, 7, 1, 0), due);
    }

    [Fact]
    public void DueBetween_DailyWindowsOverAYear_FireExactlyOnce()
    {
        var profile = BornOn("1990-05-10");
        var fires = new List<DateTimeOffset>();

        for (var day = Utc(2026, 1, 1); day < Utc(2027, 1, 1); day = day.AddDays(1))
        {
            if (JourneyEntry.DueBetween(Birthday, profile, day, day.AddDays(1), Settings) is { } due)
            {
                fires.Add(due);
            }
        }

        Assert.Equal([Utc(2026, 5, 7, 1, 0)], fires);
    }

    [Fact]
    public void DueBetween_WindowBeforeOrAfterTheDay_Null()
    {
        var profile = BornOn("1990-05-10");

        Assert.Null(JourneyEntry.DueBetween(Birthday, profile, Utc(2026, 5, 5), Utc(2026, 5, 7, 0, 59), Settings));
        Assert.Null(JourneyEntry.DueBetween(Birthday, profile, Utc(2026, 5, 7, 1, 0), Utc(2026, 5, 9), Settings));
    }

    [Fact]
    public void DueBetween_February29InNonLeapYear_FiresThreeDaysBefore28February()
    {
        var due = JourneyEntry.DueBetween(Birthday, BornOn("1992-02-29"), Utc(2027, 1, 1), Utc(2027, 12, 31), Settings);

        Assert.Equal(Utc(2027, 2, 25, 1, 0), due);
    }

    [Fact]
    public void DueBetween_February29InLeapYear_FiresThreeDaysBefore29February()
    {
        var due = JourneyEntry.DueBetween(Birthday, BornOn("1992-02-29"), Utc(2028, 1, 1), Utc(2028, 12, 31), Settings);

        Assert.Equal(Utc(2028, 2, 26, 1, 0), due);
    }

    [Fact]
    public void DueBetween_BirthdayEarlyJanuary_FiresInDecemberOfThePreviousYear()
    {
        var due = JourneyEntry.DueBetween(Birthday, BornOn("1985-01-02"), Utc(2026, 12, 1), Utc(2027, 1, 1), Settings);

        Assert.Equal(Utc(2026, 12, 30, 1, 0), due);
    }

    [Fact]
    public void DueBetween_NoBirthday_Null()
    {
        Assert.Null(JourneyEntry.DueBetween(Birthday, Profile(), Utc(2026, 1, 1), Utc(2027, 1, 1), Settings));
    }

    [Fact]
    public void DueBetween_ScheduleInCustomerLocalTime_EachCustomerAtTheirOwnTen()
    {
        // Arrange
        var journey = Journey(Doc(""" "a": { "type": "exit" } """, trigger: """{ "schedule": { "at": "2026-12-01T10:00", "localTime": true } }"""));
        var tokyo = Profile("t", "Asia/Tokyo");
        var newYork = Profile("n", "America/New_York");

        // Act
        var tokyoDue = JourneyEntry.DueBetween(journey, tokyo, Utc(2026, 11, 30), Utc(2026, 12, 2), Settings);
        var newYorkDue = JourneyEntry.DueBetween(journey, newYork, Utc(2026, 11, 30), Utc(2026, 12, 2), Settings);

        // Assert: 10:00 JST (+9) and 10:00 EST (-5).
        Assert.Equal(Utc(2026, 12, 1, 1, 0), tokyoDue);
        Assert.Equal(Utc(2026, 12, 1, 15, 0), newYorkDue);
        Assert.Null(JourneyEntry.DueBetween(journey, newYork, Utc(2026, 11, 30), Utc(2026, 12, 1, 2, 0), Settings));
    }

    [Fact]
    public void DueBetween_ScheduleInFixedZone_SameInstantForEveryone()
    {
        var journey = Journey(Doc(""" "a": { "type": "exit" } """,
            trigger: """{ "schedule": { "at": "2026-12-01T10:00", "localTime": false, "timeZone": "Europe/London" } }"""));

        var tokyoDue = JourneyEntry.DueBetween(journey, Profile("t", "Asia/Tokyo"), Utc(2026, 11, 30), Utc(2026, 12, 2), Settings);
        var newYorkDue = JourneyEntry.DueBetween(journey, Profile("n", "America/New_York"), Utc(2026, 11, 30), Utc(2026, 12, 2), Settings);

        Assert.Equal(Utc(2026, 12, 1, 10, 0), tokyoDue);
        Assert.Equal(tokyoDue, newYorkDue);
    }

    [Fact]
    public void DueBetween_EventTrigger_Null()
    {
        Assert.Null(JourneyEntry.DueBetween(Journey(Doc(""" "a": { "type": "exit" } """)), Profile(), Utc(2026, 1, 1), Utc(2027, 1, 1), Settings));
    }
}
