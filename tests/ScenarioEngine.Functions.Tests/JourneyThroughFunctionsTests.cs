using Microsoft.AspNetCore.Http;
using ScenarioEngine.Api;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Functions.Tests;

/// <summary>
/// A whole journey driven only through the Functions wrappers, as the Functions host would: publish over HTTP, post events over
/// HTTP, then each queue message taken off its queue and handed to its queue function (events, dispatch, the wait's timer, dispatch).
/// </summary>
public sealed class JourneyThroughFunctionsTests
{
    private const string Journey = """
        {
          "id": "fn-follow-up", "name": "Thanks, then a follow-up", "trigger": { "event": "purchase" }, "start": "thanks",
          "steps": {
            "thanks": { "type": "send", "medium": "email", "message": "fn-thanks", "next": "pause" },
            "pause":  { "type": "wait", "for": "PT1S", "next": "follow" },
            "follow": { "type": "send", "medium": "email", "message": "fn-follow", "next": "done" },
            "done":   { "type": "exit" }
          }
        }
        """;

    [Fact]
    public async Task PublishPostAndQueueTriggers_SendBothMessagesInOrder()
    {
        await using var app = await FunctionsApp.StartAsync();
        await Expect(200, app.Request("PUT", "/api/messages/fn-thanks", FunctionsApp.AdminKey, """{ "id": "fn-thanks", "email": { "subject": "Thanks", "text": "Thanks" } }"""), app.Api.PutMessage);
        await Expect(200, app.Request("PUT", "/api/messages/fn-follow", FunctionsApp.AdminKey, """{ "id": "fn-follow", "email": { "subject": "And?", "text": "And?" } }"""), app.Api.PutMessage);
        await Expect(200, app.Request("PUT", "/api/journeys/fn-follow-up/draft", FunctionsApp.AdminKey, Journey), app.Api.PutJourneyDraft);
        await Expect(201, app.Request("POST", "/api/journeys/fn-follow-up/publish", FunctionsApp.AdminKey), app.Api.PublishJourney);
        var now = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var events = """
            [{"type":"identify","customerId":"c9","occurredAt":"NOW","properties":{"email":"c9@example.com","consent":{"email":true}}},
             {"type":"purchase","customerId":"c9","occurredAt":"NOW","properties":{"orderId":"o-9","amount":100}}]
            """.Replace("NOW", now, StringComparison.Ordinal);
        await Expect(202, app.Request("POST", "/api/events", FunctionsApp.EventsKey, events), app.Api.PostEvents);
        var options = app.Engine.Options;
        var queue = options.EventQueueFor("c9");
        var events0 = typeof(Queues.QueueFunctions).GetMethod(Queues.QueueFunctions.EventsPrefix + queue[(queue.LastIndexOf('-') + 1)..])!;

        await (Task)events0.Invoke(app.Queues, [(await app.TakeAsync(queue)).Text, FunctionsApp.Client, CancellationToken.None])!;
        await app.Queues.Dispatch((await app.TakeAsync(options.DispatchQueue)).Text, FunctionsApp.Client, CancellationToken.None);
        var email = app.Services.GetRequiredService<ChannelSet>().Recording("email")!;
        Assert.Equal(["fn-thanks"], email.Sent.Select(m => m.MessageId));

        // The wait's timer message becomes visible after a second, as the queue trigger would see it.
        var timerQueue = app.Services.GetRequiredService<IQueueFactory>().Get(options.TimerQueue);
        IReadOnlyList<QueueItem> timer = [];
        for (var i = 0; i < 100 && timer.Count == 0; i++)
        {
            await Task.Delay(100);
            timer = await timerQueue.ReceiveAsync(1, TimeSpan.FromMinutes(5));
        }

        await app.Queues.Timers(Assert.Single(timer).Text, FunctionsApp.Client, CancellationToken.None);
        await app.Queues.Dispatch((await app.TakeAsync(options.DispatchQueue)).Text, FunctionsApp.Client, CancellationToken.None);

        Assert.Equal(["fn-thanks", "fn-follow"], email.Sent.Select(m => m.MessageId));
    }

    private static async Task Expect(int status, HttpRequest request, Func<HttpRequest, Microsoft.DurableTask.Client.DurableTaskClient, Task<IResult>> function)
    {
        await function(request, FunctionsApp.Client);
        var (actual, body) = FunctionsApp.Response(request);
        Assert.True(actual == status, $"{request.Method} {request.Path}: {actual} {body}");
    }
}
