using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;
using static ScenarioEngine.Runtime.Tests.EngineHarness;

namespace ScenarioEngine.Runtime.Tests;

public sealed class TimerTests
{
    private static readonly MessageDocument Hello = Message("hello");

    private static EngineHarness Harness(string steps, string start = "first") => new(
        [Journey($$"""{ "id": "timers", "name": "Timers", "trigger": { "event": "purchase" }, "start": "{{start}}", "steps": { {{steps}} } }""", Hello)],
        [Hello]);

    /// <summary>Steps that wait, then send one email and exit.</summary>
    private static string WaitThenSend(string wait) => $$"""
        "first": { "type": "wait", "for": "{{wait}}", "next": "send" },
        "send": { "type": "send", "medium": "email", "message": "hello", "next": "done" },
        "done": { "type": "exit" }
        """;

    [Fact]
    public async Task Wait_TwentyDays_FiresOnTimeNotEarlier()
    {
        var h = Harness(WaitThenSend("P20D"));
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0));

        await h.RunUntilAsync(T0.AddDays(20).AddSeconds(-1));
        Assert.Empty(h.Recording(Medium.Email).Sent);
        Assert.Equal("first", (await h.CustomerAsync("c1")).Instances.Single().State.Step);

        await h.RunUntilAsync(T0.AddDays(20));
        Assert.Single(h.Recording(Medium.Email).Sent);
        Assert.Equal(InstanceStatus.Exited, (await h.CustomerAsync("c1")).Instances.Single().State.Status);
    }

    [Fact]
    public async Task WaitForEvent_EventBeforeTimeout_TimeoutNeverFires()
    {
        var h = Harness("""
            "first": { "type": "waitForEvent", "event": "purchase", "timeout": "P3D", "onEvent": "thanks", "onTimeout": "nudge" },
            "thanks": { "type": "send", "medium": "email", "message": "hello", "next": "done" },
            "nudge": { "type": "send", "medium": "line", "message": "hello", "next": "done" },
            "done": { "type": "exit" }
            """);
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0));
        await h.RunUntilAsync(T0.AddDays(1));

        await h.IngestAsync(Purchase("p2", "c1", T0.AddDays(1)));
        await h.RunUntilAsync(T0.AddDays(5));

        Assert.Single(h.Recording(Medium.Email).Sent);
        Assert.Empty(h.Recording(Medium.Line).Sent);
        Assert.Equal(InstanceStatus.Exited, (await h.CustomerAsync("c1")).Instances.Single().State.Status);
    }

    [Fact]
    public async Task Pump_UnparsableMessage_MovesToPoisonAfterMaxDequeueCountAndSparesItsNeighbours()
    {
        var h = Harness("""
            "first": { "type": "send", "medium": "email", "message": "hello", "next": "done" },
            "done": { "type": "exit" }
            """);
        await h.InitializeAsync();
        var queueName = h.Options.EventQueueFor("c1");
        var queue = h.Queues.Get(queueName);
        await queue.SendAsync("this is not an events message");
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0));

        // Each failed attempt leaves the message to reappear after the visibility timeout.
        for (var attempt = 0; attempt <= h.Options.MaxDequeueCount + 1; attempt++)
        {
            await h.DrainAsync();
            h.Clock.Advance(h.Options.VisibilityTimeout + TimeSpan.FromSeconds(1));
        }

        await h.DrainAsync();
        Assert.Equal(1, h.Engine.Metrics.Poison);
        Assert.Equal(1, await h.Queues.Get(queueName + "-poison").CountAsync());
        Assert.Equal(0, await queue.CountAsync());

        // The good message received in the same batch was handled, once, and not poisoned with it.
        Assert.Equal(2, h.Engine.Metrics.EventsApplied);
        Assert.Single(h.Recording(Medium.Email).Sent);
        var poisoned = await h.Queues.Get(queueName + "-poison").ReceiveAsync(32, TimeSpan.FromMinutes(1));
        Assert.Equal("this is not an events message", Assert.Single(poisoned).Text);
    }

    [Fact]
    public async Task Pump_HandlerFailsEveryTime_PoisonedOnTheDequeueAfterMax()
    {
        var h = Harness("""
            "first": { "type": "send", "medium": "email", "message": "hello", "next": "done" },
            "done": { "type": "exit" }
            """);
        await h.InitializeAsync();
        var queue = h.Queues.Get(h.Options.EventQueue(0));
        await queue.SendAsync("{");

        for (var i = 1; i <= h.Options.MaxDequeueCount; i++)
        {
            Assert.Equal(1, await h.Engine.PumpEventsAsync(0));
            Assert.Equal(0, h.Engine.Metrics.Poison);
            h.Clock.Advance(h.Options.VisibilityTimeout + TimeSpan.FromSeconds(1));
        }

        Assert.Equal(1, await h.Engine.PumpEventsAsync(0));
        Assert.Equal(1, h.Engine.Metrics.Poison);
        Assert.Equal(h.Options.MaxDequeueCount, h.Engine.Metrics.HandlerFailures);
        Assert.Equal(0, await queue.CountAsync());
    }
}
