using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Journeys.Hosting;

namespace ScenarioEngine.Journeys.Tests;

/// <summary><see cref="DurableTaskClientJourneyInstances"/> on the in-memory test host's gRPC client (the client type the Functions app gets).</summary>
public sealed class JourneyInstancesTests
{
    private static Journey WaitForPurchase() => TestJourneys.Parse("""
        "w": { "type": "waitForEvent", "event": "purchase", "timeout": "PT30S", "onEvent": "t", "onTimeout": "t" },
        "t": { "type": "send", "medium": "webhook", "message": "thanks", "next": "x" },
        "x": { "type": "exit" }
        """, start: "w");

    /// <summary>Starts an instance of <see cref="WaitForPurchase"/> and waits until it waits for the event.</summary>
    private static async Task<JourneyStart> WaitingAsync(JourneyTestHost host)
    {
        var journey = WaitForPurchase();
        host.Catalog.Publish(journey);
        var start = TestJourneys.Start(journey, "c1");
        await host.Instances.StartAsync(start);
        await host.WaitRecordedAsync(start.InstanceId);
        return start;
    }

    [Fact]
    public async Task StartAsync_IdAlreadyRunning_ChangesNothing()
    {
        await using var host = await JourneyTestHost.StartAsync();
        var start = await WaitingAsync(host);
        var first = await host.Client.GetInstanceAsync(start.InstanceId);

        await host.Instances.StartAsync(start);
        await Task.Delay(500);

        var after = await host.Client.GetInstanceAsync(start.InstanceId);
        Assert.Equal(OrchestrationRuntimeStatus.Running, after!.RuntimeStatus);
        Assert.Equal(first!.CreatedAt, after.CreatedAt);
        Assert.Equal(1, host.Recorder.Calls);
    }

    [Fact]
    public async Task StartAsync_InvalidStart_ThrowsNamingTheField()
    {
        await using var host = await JourneyTestHost.StartAsync();
        var start = TestJourneys.Start(WaitForPurchase(), "c1") with { Version = 0 };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => host.Instances.StartAsync(start));

        Assert.Contains("Version", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RaiseAsync_WaitingForStartRightAfterTheStart_DeliversTheEvent()
    {
        await using var host = await JourneyTestHost.StartAsync(instances: new JourneyInstancesOptions { WaitForStartBeforeRaise = true });
        var journey = WaitForPurchase();
        host.Catalog.Publish(journey);
        var start = TestJourneys.Start(journey, "c1");

        await host.Instances.StartAsync(start);
        await host.Instances.RaiseAsync(start.InstanceId, TestJourneys.Delivery("c1", "purchase", "p1"));
        var outcome = await host.CompletionAsync(start.InstanceId);

        Assert.Equal("completed", outcome.ExitReason);
        Assert.Contains(host.Recorder.For(start.InstanceId).SelectMany(b => b.Effects).OfType<Core.Machine.DecisionMade>(), d => d.StepId == "w" && d.Outcome == "t");
    }

    [Fact]
    public async Task TerminateAsync_RunningInstance_Terminates()
    {
        await using var host = await JourneyTestHost.StartAsync();
        var start = await WaitingAsync(host);

        await host.Instances.TerminateAsync(start.InstanceId, "erased");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ended = await host.Client.WaitForInstanceCompletionAsync(start.InstanceId, getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, ended.RuntimeStatus);
        Assert.Empty(host.Channel.MessagesFor(start.InstanceId));
    }

    [Fact]
    public async Task TerminateAsync_NoSuchInstance_ChangesNothing()
    {
        await using var host = await JourneyTestHost.StartAsync();

        await host.Instances.TerminateAsync(JourneyInstanceId.For("c9", "j1", "e9"), "erased");

        Assert.Null(await host.Client.GetInstanceAsync(JourneyInstanceId.For("c9", "j1", "e9")));
    }

    [Fact]
    public async Task Constructor_NonPositiveStartWait_ThrowsNamingTheSetting()
    {
        await using var host = await JourneyTestHost.StartAsync();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new DurableTaskClientJourneyInstances(
            host.Client, new JourneyInstancesOptions { StartWaitTimeout = TimeSpan.Zero }, NullLogger<DurableTaskClientJourneyInstances>.Instance));

        Assert.Contains("StartWaitTimeout", ex.Message, StringComparison.Ordinal);
    }
}
