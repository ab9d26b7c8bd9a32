using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using static ScenarioEngine.Core.Tests.TestSupport;

namespace ScenarioEngine.Core.Tests.Machine;

public sealed class ExitTests
{
    private static readonly Journey Waiting = Journey(Doc("""
        "w": { "type": "wait", "for": "P3D", "next": "s" },
        "s": { "type": "send", "medium": "email", "message": "m", "next": "z" },
        "z": { "type": "exit" }
        """, start: "w", extra: """
        "audience": { "attr": "consent.email", "eq": true },
        "exitWhen": [ { "event": "unsubscribe" }, { "event": "purchase", "where": { "attr": "event.amount", "gte": 1000 } } ],
        """));

    [Fact]
    public void Step_ExitStep_ExitsCompleted()
    {
        var journey = Journey(Doc(""" "a": { "type": "exit" } """));

        var result = Enter(journey, Profile(), T0);

        Assert.Equal([new StepEntered("a", "exit"), new Exited("completed")], result.Effects);
        Assert.Equal((InstanceStatus.Exited, (DateTimeOffset?)T0, (DateTimeOffset?)null), (result.Instance.Status, result.Instance.ExitedAt, result.Instance.WakeAt));
    }

    [Fact]
    public void Step_ExitWhenEvent_ExitsWithEventReason()
    {
        var waiting = Enter(Waiting, Profile(), T0);

        var result = Send(Waiting, waiting, Event("unsubscribe", T0.AddDays(1)), T0.AddDays(1));

        Assert.Equal([new Exited("exitEvent:unsubscribe")], result.Effects);
        Assert.Equal(("exitEvent:unsubscribe", (DateTimeOffset?)T0.AddDays(1), (DateTimeOffset?)null), (result.Instance.ExitReason, result.Instance.ExitedAt, result.Instance.WakeAt));
    }

    [Fact]
    public void Step_ExitWhenConditionNotMet_KeepsWaiting()
    {
        var waiting = Enter(Waiting, Profile(), T0);

        var result = Send(Waiting, waiting, Event("purchase", T0.AddDays(1), props: ("amount", Value.From(500))), T0.AddDays(1));

        Assert.Empty(result.Effects);
        Assert.Equal(InstanceStatus.Active, result.Instance.Status);
    }

    [Fact]
    public void Step_WakeAfterExitEvent_IsIgnoredAndSendsNothing()
    {
        var waiting = Enter(Waiting, Profile(), T0);
        var exited = Send(Waiting, waiting, Event("unsubscribe", T0.AddDays(1)), T0.AddDays(1));

        var result = Wake(Waiting, exited, T0.AddDays(3), waiting.Instance.Seq);

        Assert.IsType<Ignored>(Assert.Single(result.Effects));
    }

    [Fact]
    public void Step_EventAfterExit_IsIgnored()
    {
        var done = Enter(Journey(Doc(""" "a": { "type": "exit" } """)), Profile(), T0);

        var result = Send(Journey(Doc(""" "a": { "type": "exit" } """)), done, Event("purchase", T0.AddDays(1)), T0.AddDays(1));

        Assert.Equal([new Ignored("instance has exited")], result.Effects);
    }

    [Fact]
    public void Step_AudienceLostWhileWaiting_ExitsAudienceLostAtNextStep()
    {
        // Arrange: the customer withdraws email consent during the wait.
        var waiting = Enter(Waiting, Profile(), T0);
        var withdrawn = Profile(emailConsent: false);

        // Act
        var result = JourneyMachine.Step(Waiting, waiting.Instance, new WakeInput(waiting.Instance.Seq), withdrawn, T0.AddDays(3), Settings);

        // Assert
        Assert.Empty(result.Of<SendRequested>());
        Assert.Equal(new StepEntered("s", "send"), result.Effects[0]);
        Assert.Equal(("s", "exit"), (result.Of<DecisionMade>().Single().StepId, result.Of<DecisionMade>().Single().Outcome));
        Assert.Equal(new Exited("audienceLost"), result.Effects[^1]);
        Assert.Equal("audienceLost", result.Instance.ExitReason);
    }

    [Fact]
    public void Step_AudienceCheckedAtFirstStep_ExitsAtOnce()
    {
        var result = Enter(Waiting, Profile(emailConsent: false), T0);

        Assert.Empty(result.Of<WakeScheduled>());
        Assert.Equal(new Exited("audienceLost"), result.Effects[^1]);
    }
}

public sealed class GoalTests
{
    private static readonly Journey WithGoal = Journey(Doc("""
        "a": { "type": "send", "medium": "email", "message": "m", "next": "w" },
        "w": { "type": "wait", "for": "P30D", "next": "z" },
        "z": { "type": "exit" }
        """, extra: """
        "goal": { "event": "purchase", "where": { "attr": "event.amount", "gt": 0 }, "within": "P21D" },
        "exitWhen": [ { "event": "unsubscribe" } ],
        """));

    private static CustomerEvent Purchase(DateTimeOffset at, string id = "p1") => Event("purchase", at, id, props: ("amount", Value.From(3000)));

    [Fact]
    public void Step_GoalEventWithinWindow_Converts()
    {
        var active = Enter(WithGoal, Profile(), T0);

        var result = Send(WithGoal, active, Purchase(T0.AddDays(10)), T0.AddDays(10));

        Assert.Equal([new Converted("p1")], result.Effects);
        Assert.Equal(T0.AddDays(10), result.Instance.ConvertedAt);
        Assert.Equal(T0.AddDays(21), result.Instance.GoalDeadline);
    }

    [Fact]
    public void Step_GoalEventAfterInstanceExited_StillConverts()
    {
        var active = Enter(WithGoal, Profile(), T0);
        var exited = Send(WithGoal, active, Event("unsubscribe", T0.AddDays(1)), T0.AddDays(1));

        var result = Send(WithGoal, exited, Purchase(T0.AddDays(20)), T0.AddDays(20));

        Assert.Equal([new Converted("p1")], result.Effects);
        Assert.Equal(InstanceStatus.Exited, result.Instance.Status);
    }

    [Fact]
    public void Step_GoalEventAtDeadline_Converts()
    {
        var active = Enter(WithGoal, Profile(), T0);

        var result = Send(WithGoal, active, Purchase(T0.AddDays(21)), T0.AddDays(21));

        Assert.Single(result.Of<Converted>());
    }

    [Fact]
    public void Step_GoalEventOutsideWindow_DoesNotConvert()
    {
        var active = Enter(WithGoal, Profile(), T0);

        var result = Send(WithGoal, active, Purchase(T0.AddDays(22)), T0.AddDays(22));

        Assert.Empty(result.Of<Converted>());
        Assert.Null(result.Instance.ConvertedAt);
    }

    [Fact]
    public void Step_SecondGoalEvent_CountsOnce()
    {
        var active = Enter(WithGoal, Profile(), T0);
        var converted = Send(WithGoal, active, Purchase(T0.AddDays(2)), T0.AddDays(2));

        var result = Send(WithGoal, converted, Purchase(T0.AddDays(3), "p2"), T0.AddDays(3));

        Assert.Empty(result.Of<Converted>());
        Assert.Equal(T0.AddDays(2), result.Instance.ConvertedAt);
    }

    [Fact]
    public void Step_GoalConditionNotMet_DoesNotConvert()
    {
        var active = Enter(WithGoal, Profile(), T0);

        var result = Send(WithGoal, active, Event("purchase", T0.AddDays(2), props: ("amount", Value.From(0))), T0.AddDays(2));

        Assert.Empty(result.Of<Converted>());
    }

    [Fact]
    public void IsLive_ExitedInsideGoalWindow_TrueUntilDeadline()
    {
        var active = Enter(WithGoal, Profile(), T0);
        var exited = Send(WithGoal, active, Event("unsubscribe", T0.AddDays(1)), T0.AddDays(1)).Instance;

        Assert.True(exited.IsLive(T0.AddDays(21)));
        Assert.False(exited.IsLive(T0.AddDays(22)));
    }
}

public sealed class HoldoutTests
{
    private static Journey Held(double percent) => Journey(Doc("""
        "a": { "type": "send", "medium": "email", "message": "m", "next": "w" },
        "w": { "type": "wait", "for": "P1D", "next": "b" },
        "b": { "type": "send", "medium": "line", "message": "m", "next": "z" },
        "z": { "type": "exit" }
        """, extra: $$""" "holdoutPercent": {{percent}}, """));

    [Fact]
    public void Step_HoldoutCustomer_GetsSendHeldOutNeverSendRequested()
    {
        // Arrange: the first customer id that the stable hash puts in a 50% holdout.
        var journey = Held(50);
        var id = Enumerable.Range(0, 100).Select(i => $"c{i}").First(c => JourneyMachine.IsHoldout(journey, c));

        // Act
        var entered = Enter(journey, Profile(id), T0);
        var woken = Wake(journey, entered, T0.AddDays(1));

        // Assert
        Assert.True(entered.Instance.Holdout);
        Assert.Equal("holdout", entered.Of<DecisionMade>().First().Outcome);
        Assert.Equal([new SendHeldOut("a", "email", "m")], entered.Of<SendHeldOut>());
        Assert.Equal([new SendHeldOut("b", "line", "m")], woken.Of<SendHeldOut>());
        Assert.Empty(entered.Of<SendRequested>().Concat(woken.Of<SendRequested>()));
        Assert.Equal(InstanceStatus.Exited, woken.Instance.Status);
    }

    [Fact]
    public void Step_NonHoldoutCustomer_GetsSendRequested()
    {
        var journey = Held(50);
        var id = Enumerable.Range(0, 100).Select(i => $"c{i}").First(c => !JourneyMachine.IsHoldout(journey, c));

        var entered = Enter(journey, Profile(id), T0);

        Assert.False(entered.Instance.Holdout);
        Assert.Single(entered.Of<SendRequested>());
        Assert.Empty(entered.Of<SendHeldOut>());
    }

    [Fact]
    public void IsHoldout_ZeroAndHundredPercent_NoneAndAll()
    {
        var ids = Enumerable.Range(0, 500).Select(i => $"c{i}").ToList();
        var none = Held(0);
        var all = Held(100);

        Assert.DoesNotContain(ids, id => JourneyMachine.IsHoldout(none, id));
        Assert.All(ids, id => Assert.True(JourneyMachine.IsHoldout(all, id)));
    }

    [Fact]
    public void IsHoldout_TenPercent_AboutTenPercentOfCustomers()
    {
        var journey = Held(10);

        var share = Enumerable.Range(0, 20_000).Count(i => JourneyMachine.IsHoldout(journey, $"customer-{i}")) / 20_000.0;

        Assert.InRange(share, 0.09, 0.11);
    }
}

public sealed class RunawayTests
{
    /// <summary>
    /// BUG: a loop whose only wait is zero long (here "for": "PT0S"; equally a wait "until" a missing attribute or a past
    /// date, or "atLocalTime" at that exact minute) passes validation because the loop contains a wait step, yet the wait never
    /// waits. One input then runs the loop until MaxStepsPerInput and emits one SendRequested per pass (500 messages, each
    /// with its own idempotency key) before exiting "runaway".
    /// </summary>
    [Fact]
    public void Step_LoopThroughZeroLengthWait_SendsEachStepAtMostOncePerInput()
    {
        // The parser rejects this loop; build it directly to test the machine's own guard.
        var journey = new Journey
        {
            Id = "zero-wait", Name = "zero-wait", Trigger = new SegmentTrigger("s"), Start = "a",
            Steps = new Dictionary<string, Step>
            {
                ["a"] = new SendStep("email", "m", false, "w") { Id = "a" },
                ["w"] = new WaitStep(IsoDuration.Parse("PT0S"), null, null, default, null, "a") { Id = "w" },
            },
        };

        var result = Enter(journey, Profile(), T0);

        Assert.True(result.Of<SendRequested>().Count() <= 1, $"{result.Of<SendRequested>().Count()} SendRequested effects from one input");
    }

    /// <summary>BUG (validation half of the above): a wait that can be zero long does not break a loop.</summary>
    [Fact]
    public void Parse_LoopWhoseOnlyWaitIsZeroLong_ReportsLoop()
    {
        var result = ScenarioEngine.Core.Language.JourneyParser.Parse(Doc("""
            "a": { "type": "send", "medium": "email", "message": "m", "next": "w" },
            "w": { "type": "wait", "for": "PT0S", "next": "a" }
            """));

        Assert.Contains(result.Errors, e => e.Message.Contains("loop", StringComparison.Ordinal));
    }

    [Fact]
    public void Step_InstantLoopBuiltWithoutTheParser_ExitsRunawayAtTheGuard()
    {
        // Arrange: the parser rejects this loop, so build the journey directly.
        var journey = new Journey
        {
            Id = "loop", Name = "loop", Trigger = new SegmentTrigger("s"), Start = "b",
            Steps = new Dictionary<string, Step>
            {
                ["b"] = new BranchStep([], "u") { Id = "b" },
                ["u"] = new UpdateStep([new UpdateOperation(UpdateKind.Increment, "n", Value.From(1))], "b") { Id = "u" },
            },
        };
        var settings = Settings with { MaxStepsPerInput = 10 };

        // Act
        var result = JourneyMachine.Step(journey, null, new EnterInput("i1", null), Profile(), T0, settings);

        // Assert
        // The machine never runs a step twice for one input: it stops when the loop comes back to "b".
        Assert.Equal(new Exited("runaway"), result.Effects[^1]);
        Assert.Equal(2, result.Of<StepEntered>().Count());
        Assert.Equal(Value.From(1), result.Profile.Attributes["n"]);
    }
}
