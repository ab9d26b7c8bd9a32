using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using static ScenarioEngine.Core.Tests.TestSupport;

namespace ScenarioEngine.Core.Tests.Machine;

public sealed class SendStepTests
{
    private static readonly ScenarioEngine.Core.Language.Journey TwoSends = Journey(Doc("""
        "a": { "type": "send", "medium": "email", "message": "welcome", "next": "b" },
        "b": { "type": "send", "medium": "line", "message": "follow-up", "transactional": true, "next": "z" },
        "z": { "type": "exit" }
        """));

    [Fact]
    public void Step_EnterAtSend_EmitsSendRequestedWithInstanceSeqStepKey()
    {
        // Act
        var result = Enter(TwoSends, Profile(), T0, instanceId: "j1#c1#1");

        // Assert
        Assert.Equal(
            [
                new SendRequested("a", "email", "welcome", false, "j1#c1#1/1/a"),
                new SendRequested("b", "line", "follow-up", true, "j1#c1#1/2/b"),
            ],
            result.Of<SendRequested>());
        Assert.Equal(
            [new StepEntered("a", "send"), new StepEntered("b", "send"), new StepEntered("z", "exit")],
            result.Of<StepEntered>());
        Assert.Equal(new Exited("completed"), result.Effects[^1]);
        Assert.Equal((InstanceStatus.Exited, "completed", (DateTimeOffset?)T0, 3), (result.Instance.Status, result.Instance.ExitReason, result.Instance.ExitedAt, result.Instance.Seq));
    }

    [Fact]
    public void Step_SameInputsReplayed_SameIdempotencyKeys()
    {
        var first = Enter(TwoSends, Profile(), T0);
        var replay = Enter(TwoSends, Profile(), T0);

        Assert.Equal(first.Of<SendRequested>().Select(s => s.IdempotencyKey), replay.Of<SendRequested>().Select(s => s.IdempotencyKey));
    }

    [Fact]
    public void Step_EnterNewInstance_RecordsEntryAndTrigger()
    {
        var e = Event("purchase", T0, props: ("amount", Value.From(6000)));

        var result = Enter(TwoSends, Profile("c9"), T0, e, "inst");

        Assert.Equal(("inst", "j1", "c9", T0), (result.Instance.InstanceId, result.Instance.JourneyId, result.Instance.CustomerId, result.Instance.EnteredAt));
        Assert.Equal(Value.From(6000), result.Instance.Trigger["amount"]);
    }

    [Fact]
    public void Step_EnterWithExistingInstance_Throws()
    {
        var first = Enter(TwoSends, Profile(), T0);

        Assert.Throws<ArgumentException>(() => JourneyMachine.Step(TwoSends, first.Instance, new EnterInput("i2", null), Profile(), T0, Settings));
    }
}

public sealed class WaitStepTests
{
    private static readonly ScenarioEngine.Core.Language.Journey Wait3Days = Journey(Doc("""
        "a": { "type": "wait", "for": "P3D", "next": "b" },
        "b": { "type": "send", "medium": "email", "message": "m", "next": "z" },
        "z": { "type": "exit" }
        """));

    [Fact]
    public void Step_EnterWaitP3D_SchedulesWakeThreeDaysLater()
    {
        var result = Enter(Wait3Days, Profile(), T0);

        Assert.Equal([new StepEntered("a", "wait"), new WakeScheduled(T0.AddDays(3), 1)], result.Effects);
        Assert.Equal((InstanceStatus.Active, "a", (DateTimeOffset?)T0.AddDays(3)), (result.Instance.Status, result.Instance.Step, result.Instance.WakeAt));
    }

    [Fact]
    public void Step_WakeAtDueTime_AdvancesToNextStep()
    {
        var waiting = Enter(Wait3Days, Profile(), T0);

        var result = Wake(Wait3Days, waiting, T0.AddDays(3));

        Assert.Equal("b", Assert.Single(result.Of<SendRequested>()).StepId);
        Assert.Equal("i1/2/b", Assert.Single(result.Of<SendRequested>()).IdempotencyKey);
        Assert.Equal(InstanceStatus.Exited, result.Instance.Status);
    }

    [Fact]
    public void Step_EarlyWake_ReschedulesSameTimeAndStaysPut()
    {
        var waiting = Enter(Wait3Days, Profile(), T0);

        var result = Wake(Wait3Days, waiting, T0.AddDays(1));

        Assert.Equal([new WakeScheduled(T0.AddDays(3), 1)], result.Effects);
        Assert.Equal(waiting.Instance, result.Instance);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Step_StaleWake_IsIgnored(int wrongSeq)
    {
        var waiting = Enter(Wait3Days, Profile(), T0);

        var result = Wake(Wait3Days, waiting, T0.AddDays(3), wrongSeq);

        Assert.IsType<Ignored>(Assert.Single(result.Effects));
        Assert.Equal(waiting.Instance, result.Instance);
    }

    [Fact]
    public void Step_SentLate_TheWaitCountsFromThenAndSaysWhy()
    {
        var waiting = Enter(Wait3Days, Profile(), T0);

        var result = JourneyMachine.Step(Wait3Days, waiting.Instance, new SentLateInput(1), Profile(), T0.AddHours(8), Settings);

        Assert.Equal((T0.AddHours(8).AddDays(3), T0.AddHours(8), "a", 1), (result.Instance.WakeAt, result.Instance.StepEnteredAt, result.Instance.Step, result.Instance.Seq));
        Assert.Equal(new WakeScheduled(T0.AddHours(8).AddDays(3), 1), Assert.Single(result.Of<WakeScheduled>()));
        Assert.Contains("went out late", Assert.Single(result.Of<DecisionMade>()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_SentLateBeforeAWaitUntilASetTime_KeepsTheWake()
    {
        var journey = Journey(Doc("""
            "a": { "type": "wait", "until": "2026-12-24T10:00:00+09:00", "next": "z" },
            "z": { "type": "exit" }
            """));
        var waiting = Enter(journey, Profile(), T0);

        var result = JourneyMachine.Step(journey, waiting.Instance, new SentLateInput(1), Profile(), T0.AddHours(8), Settings);

        Assert.Equal(waiting.Instance, result.Instance);
        Assert.IsType<Ignored>(Assert.Single(result.Effects));
    }

    [Fact]
    public void Step_SentLateBeforeAWaitForEvent_TheTimeoutCountsFromThen()
    {
        var journey = Journey(Doc("""
            "a": { "type": "waitForEvent", "event": "purchase", "timeout": "P1D", "onEvent": "z", "onTimeout": "z" },
            "z": { "type": "exit" }
            """));
        var waiting = Enter(journey, Profile(), T0);

        var result = JourneyMachine.Step(journey, waiting.Instance, new SentLateInput(1), Profile(), T0.AddHours(8), Settings);

        Assert.Equal(T0.AddHours(8).AddDays(1), result.Instance.WakeAt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Step_SentLateForAnotherStep_IsIgnored(int wrongSeq)
    {
        var waiting = Enter(Wait3Days, Profile(), T0);

        var result = JourneyMachine.Step(Wait3Days, waiting.Instance, new SentLateInput(wrongSeq), Profile(), T0.AddHours(8), Settings);

        Assert.Equal(waiting.Instance, result.Instance);
        Assert.IsType<Ignored>(Assert.Single(result.Effects));
    }

    [Fact]
    public void Step_WaitForWithAtLocalTimeInTokyo_LandsAtOneUtc()
    {
        // Arrange: T0 is 09:00 in Tokyo; three days later it is 09:00, so the next 10:00 is one hour after that.
        var journey = Journey(Doc("""
            "a": { "type": "wait", "for": "P3D", "atLocalTime": "10:00", "next": "z" },
            "z": { "type": "exit" }
            """));

        // Act
        var result = Enter(journey, Profile(zone: "Asia/Tokyo"), T0);

        // Assert
        Assert.Equal(Utc(2026, 5, 4, 1, 0), Assert.Single(result.Of<WakeScheduled>()).At);
    }

    [Fact]
    public void Step_WaitForWithAtLocalTimePassedThatDay_LandsNextDay()
    {
        var journey = Journey(Doc("""
            "a": { "type": "wait", "for": "P3D", "atLocalTime": "10:00", "next": "z" },
            "z": { "type": "exit" }
            """));

        // 03:00Z is 12:00 in Tokyo: 10:00 has passed on the fourth day, so the wake is on the fifth.
        var result = Enter(journey, Profile(zone: "Asia/Tokyo"), T0.AddHours(3));

        Assert.Equal(Utc(2026, 5, 5, 1, 0), Assert.Single(result.Of<WakeScheduled>()).At);
    }

    [Fact]
    public void Step_AtLocalTimeWithoutCustomerZone_UsesDefaultZone()
    {
        var journey = Journey(Doc("""
            "a": { "type": "wait", "atLocalTime": "10:00", "next": "z" },
            "z": { "type": "exit" }
            """));
        var settings = new MachineSettings(Zone("America/New_York"));

        var result = JourneyMachine.Step(journey, null, new EnterInput("i1", null), Profile(zone: null), T0, settings);

        // T0 is 20:00 on 30 April in New York (EDT, -4): the next 10:00 is 1 May 14:00Z.
        Assert.Equal(Utc(2026, 5, 1, 14, 0), Assert.Single(result.Of<WakeScheduled>()).At);
    }

    [Fact]
    public void Step_WaitUntilAttributeMinusOffset_WakesAtThatInstant()
    {
        var journey = Journey(Doc("""
            "a": { "type": "wait", "until": { "attr": "profile.eventDate", "offset": "-P1D" }, "next": "z" },
            "z": { "type": "exit" }
            """));
        var profile = Profile();
        profile.Attributes["eventDate"] = Value.From("2026-07-10T09:00:00+09:00");

        var result = Enter(journey, profile, T0);

        Assert.Equal(Utc(2026, 7, 9, 0, 0), Assert.Single(result.Of<WakeScheduled>()).At);
    }

    [Fact]
    public void Step_WaitUntilMissingAttribute_DoesNotWaitAndSaysWhy()
    {
        var journey = Journey(Doc("""
            "a": { "type": "wait", "until": { "attr": "profile.eventDate", "offset": "-P1D" }, "next": "z" },
            "z": { "type": "exit" }
            """));

        var result = Enter(journey, Profile(), T0);

        Assert.Empty(result.Of<WakeScheduled>());
        Assert.Contains(result.Of<DecisionMade>(), d => d.StepId == "a" && d.Reason.Contains("missing", StringComparison.Ordinal));
        Assert.Equal(InstanceStatus.Exited, result.Instance.Status);
    }

    [Fact]
    public void Step_WaitUntilAbsoluteTimeInThePast_ContinuesAtOnce()
    {
        var journey = Journey(Doc("""
            "a": { "type": "wait", "until": "2026-01-01T00:00:00+09:00", "next": "z" },
            "z": { "type": "exit" }
            """));

        var result = Enter(journey, Profile(), T0);

        Assert.Empty(result.Of<WakeScheduled>());
        Assert.Equal(new Exited("completed"), result.Effects[^1]);
    }
}
