using Microsoft.Azure.Functions.Worker;
using ScenarioEngine.Api.Jobs;

namespace ScenarioEngine.Functions.Tests;

/// <summary>Timer functions called as the host calls them: each runs its shared job.</summary>
public sealed class JobFunctionTests
{
    private static TimerInfo Tick() => new() { ScheduleStatus = new ScheduleStatus { Last = DateTime.UtcNow.AddMinutes(-1), Next = DateTime.UtcNow.AddMinutes(1) } };

    [Fact]
    public async Task Analytics_AfterAPurchase_RecomputesTheBuyer()
    {
        await using var app = await FunctionsApp.StartAsync();
        var purchase = """{"type":"purchase","customerId":"c3","occurredAt":"2026-01-05T10:00:00Z","properties":{"orderId":"o-3","amount":6800}}""";
        await app.Api.PostEvents(app.Request("POST", "/api/events", FunctionsApp.EventsKey, purchase));
        var queue = app.Engine.Options.EventQueueFor("c3");
        await app.Engine.HandleQueueMessageAsync(queue, (await app.TakeAsync(queue)).Text);

        await app.Jobs.Analytics(Tick(), CancellationToken.None);

        var run = Assert.Single(app.Logs.Entries, e => e.Id == 4016);
        Assert.StartsWith("Analytics recomputed for 1 customers", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnknownJob_ThrowsNamingTheJobs()
    {
        await using var app = await FunctionsApp.StartAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => app.Services.GetRequiredService<ScheduledJobs>().RunAsync("Nightly", TimeSpan.FromDays(1)));

        Assert.Contains("Sweeper, ScheduledTriggers, Analytics", ex.Message, StringComparison.Ordinal);
    }
}
