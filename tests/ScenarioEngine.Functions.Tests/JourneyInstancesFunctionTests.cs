using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Moq;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Functions.Tests;

/// <summary>The app's <see cref="IJourneyInstances"/>: the client each HTTP, queue and timer function is bound with reaches the shared code.</summary>
public sealed class JourneyInstancesFunctionTests
{
    private static TimerInfo Tick() => new() { ScheduleStatus = new ScheduleStatus { Last = DateTime.UtcNow.AddMinutes(-1), Next = DateTime.UtcNow.AddMinutes(1) } };

    /// <summary>A bound client that records what is asked of it.</summary>
    private static Mock<DurableTaskClient> BoundClient() => new(MockBehavior.Loose, "bound");

    private static async Task AssertReachesAsync(FunctionsApp app, Mock<DurableTaskClient> client)
    {
        await app.Services.GetRequiredService<IJourneyInstances>().TerminateAsync("j:j1:c1:e1", "erased");

        Assert.NotEmpty(client.Invocations);
    }

    [Fact]
    public async Task JourneyInstances_NoFunctionBoundAClientYet_ThrowsNamingTheBinding()
    {
        await using var app = await FunctionsApp.StartAsync();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => app.Services.GetRequiredService<IJourneyInstances>().TerminateAsync("j:j1:c1:e1", "erased"));

        Assert.Contains("[DurableClient]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpFunction_BoundClient_ReachesTheSharedCode()
    {
        await using var app = await FunctionsApp.StartAsync();
        var client = BoundClient();

        await app.Api.GetHealth(app.Request("GET", "/api/health"), client.Object);

        await AssertReachesAsync(app, client);
    }

    [Fact]
    public async Task QueueFunction_BoundClient_ReachesTheSharedCodeEvenWhenTheMessageFails()
    {
        await using var app = await FunctionsApp.StartAsync();
        var client = BoundClient();

        await Assert.ThrowsAnyAsync<Exception>(() => app.Queues.Events0("not json", client.Object, CancellationToken.None));

        await AssertReachesAsync(app, client);
    }

    [Fact]
    public async Task TimerFunction_BoundClient_ReachesTheSharedCode()
    {
        await using var app = await FunctionsApp.StartAsync();
        var client = BoundClient();

        await app.Jobs.Analytics(Tick(), client.Object, CancellationToken.None);

        await AssertReachesAsync(app, client);
    }
}
