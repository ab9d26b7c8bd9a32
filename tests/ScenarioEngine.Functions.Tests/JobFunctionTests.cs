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
        await app.Api.PostEvents(app.Request("POST", "/api/events", FunctionsApp.EventsKey, purchase), FunctionsApp.Client);
        var queue = app.Engine.Options.EventQueueFor("c3");
        await app.Engine.HandleQueueMessageAsync(queue, (await app.TakeAsync(queue)).Text);

        await app.Jobs.Analytics(Tick(), FunctionsApp.Client, CancellationToken.None);

        var run = Assert.Single(app.Logs.Entries, e => e.Id == 4016);
        Assert.StartsWith("Analytics recomputed for 1 customers", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduledTriggers_BirthdayDueInTheLastTwoPeriods_EntersTheCustomer()
    {
        // Born on 10 May, Tokyo: the journey is due on 7 May at 10:00 local, 01:00Z; the timer fires at 01:05Z and looks back 10 minutes.
        await using var app = await FunctionsApp.StartAsync(time: new FixedTime(new DateTimeOffset(2026, 5, 7, 1, 5, 0, TimeSpan.Zero)));
        await Call(app, app.Api.PutMessage, "PUT", "/api/messages/birthday", """{ "id": "birthday", "email": { "subject": "Happy birthday", "text": "Soon" } }""");
        await Call(app, app.Api.PutJourneyDraft, "PUT", "/api/journeys/birthday/draft", """
            {
              "id": "birthday", "name": "Birthday", "trigger": { "date": { "attr": "profile.birthday", "offsetDays": -3, "at": "10:00", "yearly": true } },
              "start": "send",
              "steps": { "send": { "type": "send", "medium": "email", "message": "birthday", "next": "done" }, "done": { "type": "exit" } }
            }
            """);
        await Call(app, app.Api.PublishJourney, "POST", "/api/journeys/birthday/publish", null);
        var identify = """{"type":"identify","customerId":"b1","occurredAt":"2026-04-20T00:00:00Z","properties":{"birthday":"1990-05-10","timeZone":"Asia/Tokyo","email":"b1@example.com"}}""";
        await app.Api.PostEvents(app.Request("POST", "/api/events", FunctionsApp.EventsKey, identify), FunctionsApp.Client);
        var queue = app.Engine.Options.EventQueueFor("b1");
        await app.Engine.HandleQueueMessageAsync(queue, (await app.TakeAsync(queue)).Text);

        await app.Jobs.ScheduledTriggers(Tick(), FunctionsApp.Client, CancellationToken.None);

        Assert.Contains(app.Logs.Entries, e => e.Id == 4013 && e.Text == "Scheduled triggers fired for 1 customers");
    }

    private static async Task Call(FunctionsApp app, Func<Microsoft.AspNetCore.Http.HttpRequest, Microsoft.DurableTask.Client.DurableTaskClient, Task<Microsoft.AspNetCore.Http.IResult>> function, string method, string path, string? json)
    {
        var request = app.Request(method, path, FunctionsApp.AdminKey, json);
        await function(request, FunctionsApp.Client);
        var (status, body) = FunctionsApp.Response(request);
        Assert.True(status is >= 200 and < 300, $"{method} {path}: {status} {body}");
    }

    [Fact]
    public async Task RunAsync_UnknownJob_ThrowsNamingTheJobs()
    {
        await using var app = await FunctionsApp.StartAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => app.Services.GetRequiredService<ScheduledJobs>().RunAsync("Nightly", TimeSpan.FromDays(1)));

        Assert.Contains("Counts, ScheduledTriggers, Analytics", ex.Message, StringComparison.Ordinal);
    }
}
