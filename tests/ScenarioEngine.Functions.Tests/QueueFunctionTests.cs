using System.Reflection;
using ScenarioEngine.Functions.Queues;

namespace ScenarioEngine.Functions.Tests;

/// <summary>Queue functions called with the message text the queue trigger binds: each applies it through the engine.</summary>
public sealed class QueueFunctionTests
{
    private const string Events = """
        [{"type":"identify","customerId":"c7","occurredAt":"2026-01-05T10:00:00Z","properties":{"email":"c7@example.com","consent":{"email":true}}},
         {"type":"purchase","customerId":"c7","occurredAt":"2026-01-05T10:01:00Z","properties":{"orderId":"o-7","amount":6800}}]
        """;

    /// <summary>Calls Events&lt;index&gt; as the host would for a message of that queue.</summary>
    private static Task InvokeEventsAsync(QueueFunctions functions, int index, string message)
    {
        var method = typeof(QueueFunctions).GetMethod(QueueFunctions.EventsPrefix + index, BindingFlags.Public | BindingFlags.Instance)!;
        return (Task)method.Invoke(functions, [message, FunctionsApp.Client, CancellationToken.None])!;
    }

    [Fact]
    public async Task EventsFunction_MessageOfItsQueue_AppliesTheEvents()
    {
        await using var app = await FunctionsApp.StartAsync();
        var post = app.Request("POST", "/api/events", FunctionsApp.EventsKey, Events);
        await app.Api.PostEvents(post, FunctionsApp.Client);
        var queue = app.Engine.Options.EventQueueFor("c7");
        var index = int.Parse(queue[(queue.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var item = await app.TakeAsync(queue);

        await InvokeEventsAsync(app.Queues, index, item.Text);

        Assert.Equal(2, app.Engine.Metrics.EventsApplied);
        var customer = await app.Engine.GetCustomerAsync("c7");
        Assert.NotNull(customer);
    }

    [Fact]
    public async Task EveryEventsFunctionBelowTheCount_HandlesItsQueue()
    {
        await using var app = await FunctionsApp.StartAsync(new Dictionary<string, string?> { ["Engine:EventQueueCount"] = "16" });
        var accepted = 0;
        for (var i = 0; accepted < QueueFunctions.MaxEventQueues && i < 10_000; i++)
        {
            // One customer per queue: find a customer id hashing to each queue in turn.
            var customer = "q" + i;
            var queue = app.Engine.Options.EventQueueFor(customer);
            if (queue != app.Engine.Options.EventQueue(accepted))
            {
                continue;
            }

            var json = $$"""{"type":"visit","customerId":"{{customer}}","occurredAt":"2026-01-05T10:00:00Z"}""";
            await app.Api.PostEvents(app.Request("POST", "/api/events", FunctionsApp.EventsKey, json), FunctionsApp.Client);
            await InvokeEventsAsync(app.Queues, accepted, (await app.TakeAsync(queue)).Text);
            accepted++;
        }

        Assert.Equal(QueueFunctions.MaxEventQueues, accepted);
        Assert.Equal(QueueFunctions.MaxEventQueues, app.Engine.Metrics.EventsApplied);
    }

    [Fact]
    public async Task EventsFunction_UnreadableMessage_ThrowsAndLogsSoTheHostRetries()
    {
        await using var app = await FunctionsApp.StartAsync();

        // Rethrown, the host leaves the message on its queue and delivers it again (to <queue>-poison after maxDequeueCount).
        await Assert.ThrowsAsync<System.Text.Json.JsonException>(() => InvokeEventsAsync(app.Queues, 0, "not json"));

        Assert.Contains(app.Logs.Entries, e => e.Id == 5000 && e.Text.Contains("Events0", StringComparison.Ordinal));
        Assert.Equal(0, app.Engine.Metrics.EventsApplied);
    }

    [Fact]
    public async Task EventsFunction_PastTheCount_Throws()
    {
        await using var app = await FunctionsApp.StartAsync();

        // Events15's queue is not one of the engine's four: the function is disabled there, and a stray call fails loudly.
        await Assert.ThrowsAsync<ArgumentException>(() => InvokeEventsAsync(app.Queues, 15, "{}"));
    }
}
