using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using static ScenarioEngine.Core.Tests.TestSupport;

namespace ScenarioEngine.Core.Tests.Machine;

public sealed class WakeProfileReadTests
{
    [Theory]
    [InlineData("""
        "w": { "type": "wait", "for": "P1D", "next": "a" },
        "a": { "type": "send", "medium": "email", "message": "m", "next": "x" },
        "x": { "type": "exit" }
        """)]
    [InlineData("""
        "w": { "type": "wait", "for": "P1D", "next": "s" },
        "s": { "type": "split", "variants": [ { "name": "A", "weight": 1, "next": "a" }, { "name": "B", "weight": 1, "next": "w2" } ] },
        "a": { "type": "send", "medium": "email", "message": "m", "next": "x" },
        "w2": { "type": "wait", "for": "P2D", "next": "b" },
        "b": { "type": "branch", "cases": [ { "when": { "attr": "profile.vip", "eq": true }, "next": "x" } ], "otherwise": "x" },
        "x": { "type": "exit" }
        """)]
    [InlineData("""
        "w": { "type": "waitForEvent", "event": "purchase", "timeout": "P1D", "onEvent": "b", "onTimeout": "a" },
        "a": { "type": "send", "medium": "email", "message": "m", "next": "x" },
        "b": { "type": "update", "set": { "vip": true }, "next": "x" },
        "x": { "type": "exit" }
        """)]
    public void WakeReadsProfile_WakeRunsOnlySendsSplitsAndFixedWaits_IsFalse(string steps)
    {
        var journey = Journey(Doc(steps, start: "w"));

        Assert.False(JourneyMachine.WakeReadsProfile(journey, "w"));
    }

    [Theory]
    [InlineData("""
        "w": { "type": "wait", "for": "P1D", "next": "b" },
        "b": { "type": "branch", "cases": [ { "when": { "attr": "profile.vip", "eq": true }, "next": "x" } ], "otherwise": "x" },
        "x": { "type": "exit" }
        """)]
    [InlineData("""
        "w": { "type": "wait", "for": "P1D", "next": "a" },
        "a": { "type": "send", "medium": "email", "message": "m", "next": "u" },
        "u": { "type": "update", "set": { "vip": true }, "next": "x" },
        "x": { "type": "exit" }
        """)]
    [InlineData("""
        "w": { "type": "wait", "for": "P1D", "next": "l" },
        "l": { "type": "wait", "for": "P1D", "atLocalTime": "10:00", "next": "x" },
        "x": { "type": "exit" }
        """)]
    [InlineData("""
        "w": { "type": "wait", "for": "P1D", "next": "d" },
        "d": { "type": "wait", "until": "2020-01-01T00:00:00Z", "next": "b" },
        "b": { "type": "branch", "cases": [ { "when": { "attr": "profile.vip", "eq": true }, "next": "x" } ], "otherwise": "x" },
        "x": { "type": "exit" }
        """)]
    [InlineData("""
        "w": { "type": "waitForEvent", "event": "purchase", "timeout": "P1D", "onEvent": "a", "onTimeout": "b" },
        "a": { "type": "send", "medium": "email", "message": "m", "next": "x" },
        "b": { "type": "branch", "cases": [ { "when": { "attr": "profile.vip", "eq": true }, "next": "x" } ], "otherwise": "x" },
        "x": { "type": "exit" }
        """)]
    public void WakeReadsProfile_AStepOnTheWayReadsTheProfile_IsTrue(string steps)
    {
        var journey = Journey(Doc(steps, start: "w"));

        Assert.True(JourneyMachine.WakeReadsProfile(journey, "w"));
    }

    [Fact]
    public void WakeReadsProfile_JourneyWithAnAudience_IsTrueEvenBeforeASend()
    {
        var journey = Journey(Doc("""
            "w": { "type": "wait", "for": "P1D", "next": "a" },
            "a": { "type": "send", "medium": "email", "message": "m", "next": "x" },
            "x": { "type": "exit" }
            """, start: "w", extra: """ "audience": { "attr": "profile.vip", "eq": true }, """));

        Assert.True(JourneyMachine.WakeReadsProfile(journey, "w"));
    }

    [Fact]
    public void WakeProfileReads_SameJourneyAskedAgain_ReturnsTheSetFoundTheFirstTime()
    {
        // The orchestrator asks on every wake and replay; the catalog shares one journey object per version, so the steps are walked once.
        const string Steps = """
            "w": { "type": "wait", "for": "P1D", "next": "b" },
            "b": { "type": "branch", "cases": [ { "when": { "attr": "profile.vip", "eq": true }, "next": "w2" } ], "otherwise": "x" },
            "w2": { "type": "wait", "for": "P1D", "next": "x" },
            "x": { "type": "exit" }
            """;
        var journey = Journey(Doc(Steps, start: "w"));
        var audience = Journey(Doc(Steps, start: "w", extra: """ "audience": { "attr": "profile.vip", "eq": true }, """)).Audience;

        var first = WakeProfileReads.Of(journey);
        var again = WakeProfileReads.Of(journey);
        var copy = WakeProfileReads.Of(journey with { Audience = audience });

        Assert.Same(first, again);
        Assert.Equal(["w"], first);
        Assert.Equal(["b", "w", "w2", "x"], copy.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WakeReadsProfile_UnknownStep_ThrowsNamingTheStep()
    {
        var journey = Journey(Doc("""
            "w": { "type": "wait", "for": "P1D", "next": "x" },
            "x": { "type": "exit" }
            """, start: "w"));

        var error = Assert.Throws<ArgumentException>(() => JourneyMachine.WakeReadsProfile(journey, "nowhere"));

        Assert.Contains("'nowhere'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WakeReadsProfile_False_TheWakeStepsTheSameWhateverTheProfile()
    {
        // What makes skipping the read safe: a wake it calls profile-free gives the same instance and effects for any profile.
        var journey = Journey(Doc("""
            "w": { "type": "wait", "for": "P1D", "next": "s" },
            "s": { "type": "split", "variants": [ { "name": "A", "weight": 1, "next": "a" }, { "name": "B", "weight": 1, "next": "w2" } ] },
            "a": { "type": "send", "medium": "email", "message": "m", "next": "w2" },
            "w2": { "type": "wait", "for": "P2D", "next": "x" },
            "x": { "type": "exit" }
            """, start: "w"));
        Assert.False(JourneyMachine.WakeReadsProfile(journey, "w"));
        var entered = Enter(journey, Profile(), T0);
        var stale = Profile(zone: "America/New_York", emailConsent: false);
        stale.Attributes["vip"] = Value.From(true);

        var withCurrent = JourneyMachine.Step(journey, entered.Instance, new WakeInput(entered.Instance.Seq), Profile(), T0.AddDays(1), Settings);
        var withStale = JourneyMachine.Step(journey, entered.Instance, new WakeInput(entered.Instance.Seq), stale, T0.AddDays(1), Settings);

        Assert.Equal(withCurrent.Instance, withStale.Instance);
        Assert.Equal(withCurrent.Effects, withStale.Effects);
        Assert.Contains(withCurrent.Effects, e => e is SendRequested or DecisionMade);
    }
}
