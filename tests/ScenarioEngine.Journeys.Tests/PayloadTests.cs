using System.Text.Json;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Journeys.Tests;

public sealed class PayloadTests
{
    [Fact]
    public void JourneyStart_RoundTripWithDefaultOptions_KeepsProfileTriggerAndProgress()
    {
        var profile = TestJourneys.Profile("c1", ("vip", Value.From(true)), ("n", Value.From(3)));
        var instance = new JourneyInstance { InstanceId = "i", JourneyId = "j1", Version = 2, CustomerId = "c1", Step = "w", Seq = 4, Trigger = new Dictionary<string, Value> { ["sku"] = Value.From("s1") } };
        var start = TestJourneys.Start(TestJourneys.SendWaitSend(), "c1", profile) with { Progress = new JourneyProgress(instance, 3, 1) };

        var back = JsonSerializer.Deserialize<JourneyStart>(JsonSerializer.Serialize(start))!;

        Assert.Equal(Value.From(true), back.Profile.Attributes["vip"]);
        Assert.Equal(Value.From(3), back.Profile.Attributes["n"]);
        Assert.True(back.Profile.Consent["email"]);
        Assert.Equal(Value.From("s1"), back.Trigger!.Properties["sku"]);
        Assert.Equal(4, back.Progress!.Instance.Seq);
        Assert.Equal(Value.From("s1"), back.Progress.Instance.Trigger["sku"]);
    }

    [Fact]
    public void JourneyRecord_RoundTrip_KeepsEffectTypes()
    {
        var record = new JourneyRecord("c1", "i", "j1", 1, 1, DateTimeOffset.UnixEpoch, [new StepEntered("a", "send"), new Exited("completed")]);

        var back = JsonSerializer.Deserialize<JourneyRecord>(JsonSerializer.Serialize(record))!;

        Assert.IsType<StepEntered>(back.Effects[0]);
        Assert.Equal(new Exited("completed"), back.Effects[1]);
    }

    [Fact]
    public void For_PartsWithReservedCharacters_EscapesThemSoIdsStayDistinct()
    {
        Assert.Equal("j:cart:c%2F1:e%231", JourneyInstanceId.For("c/1", "cart", "e#1"));
        Assert.NotEqual(JourneyInstanceId.For("a:b", "j", "e"), JourneyInstanceId.For("a", "j", "b:e"));
    }

    [Fact]
    public void Validate_MissingCustomer_NamesTheField()
    {
        var start = TestJourneys.Start(TestJourneys.SendWaitSend(), "c1") with { CustomerId = " " };

        var error = Assert.Throws<ArgumentException>(start.Validate);

        Assert.Contains("JourneyStart.CustomerId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Types_Journey_ListsWaitForEventExitAndGoalTypes()
    {
        var journey = TestJourneys.Parse("""
            "w": { "type": "waitForEvent", "event": "purchase", "timeout": "PT1S", "onEvent": "x", "onTimeout": "x" },
            "x": { "type": "exit" }
            """, start: "w", extra: """ "exitWhen": [ { "event": "unsubscribe" } ], "goal": { "event": "review", "within": "P1D" }, """);

        Assert.Equal(["purchase", "review", "unsubscribe"], JourneyEvents.Types(journey).Order(StringComparer.Ordinal));
        Assert.False(JourneyEvents.Reacts(journey, "page.viewed"));
    }
}
