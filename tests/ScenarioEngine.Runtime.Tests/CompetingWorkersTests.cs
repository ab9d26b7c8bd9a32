using ScenarioEngine.Core.Language;
using ScenarioEngine.Runtime.Engine;
using static ScenarioEngine.Runtime.Tests.EngineHarness;

namespace ScenarioEngine.Runtime.Tests;

public sealed class CompetingWorkersTests
{
    private static readonly MessageDocument Hello = Message("hello");

    private static readonly Journey Welcome = Journey("""
        {
          "id": "welcome", "name": "Welcome",
          "trigger": { "event": "purchase" },
          "start": "send",
          "steps": {
            "send": { "type": "send", "medium": "webhook", "message": "hello", "next": "done" },
            "done": { "type": "exit" }
          }
        }
        """, Hello);

    [Fact]
    public async Task Pump_FourWorkersTenThousandCustomers_EveryMessageSentExactlyOnce()
    {
        const int customers = 10_000;
        var h = new EngineHarness([Welcome], [Hello], new EngineOptions { MaxEventsPerMessage = 25 }, time: TimeProvider.System);
        await h.InitializeAsync();
        await h.IngestAsync(Enumerable.Range(0, customers).Select(i => Purchase($"p-{i}", $"c{i}", T0)).ToArray());

        await RunWorkersAsync(h, 4);

        var sent = h.Recording("webhook").Sent;
        Assert.Equal(customers, sent.Count);
        Assert.Equal(customers, sent.Select(m => m.IdempotencyKey).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(customers, sent.Select(m => m.CustomerId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(customers, h.Engine.Metrics.EventsApplied);
        Assert.Equal(customers, h.Engine.Metrics.Sent);
        Assert.Equal(0, h.Engine.Metrics.Unknown);
        Assert.Equal(0, h.Engine.Metrics.Poison);
        Assert.Equal(0, h.Engine.Metrics.HandlerFailures);
        Assert.Equal(customers, (await h.Engine.GetStatsAsync("welcome")).Counts["send.sent"]);
    }

    [Fact]
    public async Task Pump_FourWorkersEventsOfOneCustomerInManyMessages_EachAppliedOnceDespiteConflicts()
    {
        const int customers = 512;
        const int eventsEach = 4;
        var h = new EngineHarness([Welcome], [Hello], new EngineOptions { MaxEventsPerMessage = 1, EventQueueCount = 1 }, time: TimeProvider.System,
            wrapStore: store => new YieldingRowStore(store));
        await h.InitializeAsync();

        // One event per message, laid out so that the four 32-message batches the workers take at once hold the same 32 customers
        // (one round each): the workers race on every customer, and ETag conflicts must be retried, never lose or double an event.
        var events = Enumerable.Range(0, customers * eventsEach).Select(j =>
        {
            var customer = j % 32 + 32 * (j / 128);
            var round = j / 32 % eventsEach;
            return Purchase($"p-{customer}-{round}", $"c{customer}", T0.AddMinutes(round));
        }).ToArray();
        await h.IngestAsync(events);

        await RunWorkersAsync(h, 4);

        Assert.Equal(customers * eventsEach, h.Engine.Metrics.EventsApplied);
        Assert.True(h.Engine.Metrics.Conflicts > 0, "workers raced on the same customers");
        Assert.Equal(0, h.Engine.Metrics.HandlerFailures);
        var sent = h.Recording("webhook").Sent;
        Assert.Equal(customers, sent.Count);
        Assert.Equal(customers, sent.Select(m => m.IdempotencyKey).Distinct(StringComparer.Ordinal).Count());
        for (var i = 0; i < customers; i++)
        {
            var customer = await h.CustomerAsync($"c{i}");
            Assert.Equal(eventsEach, customer.Profile.Computed["orders.count"].AsNumber);
            Assert.Single(customer.Instances);
            Assert.Equal(eventsEach, (await h.TimelineAsync($"c{i}")).Count(t => t.Kind == "event"));
        }
    }

    /// <summary>Workers share the queues; each stops when every queue is empty (a message is deleted only after its follow-ups are queued).</summary>
    private static async Task RunWorkersAsync(EngineHarness h, int count)
    {
        var queues = h.Engine.AllQueueNames().Select(h.Queues.Get).ToList();
        async Task<bool> IdleAsync()
        {
            foreach (var q in queues)
            {
                if (await q.CountAsync() > 0)
                {
                    return false;
                }
            }

            return true;
        }

        var workers = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            while (await h.Engine.PumpAllAsync() > 0 || !await IdleAsync())
            {
                await Task.Yield();
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task PumpEvents_ConcurrentHandlers_OneCustomersEventsFromSeveralMessagesApplyInTimeOrder()
    {
        // The purchase arrives in an earlier message than the identify that gives consent but happened before it. With concurrent
        // handlers the customer's events of all received messages are applied together in time order, so the email is allowed.
        var mail = Journey("""
            { "id": "mail", "name": "Mail", "trigger": { "event": "purchase" }, "start": "send",
              "steps": { "send": { "type": "send", "medium": "email", "message": "hello", "next": "done" }, "done": { "type": "exit" } } }
            """, Hello);
        var h = new EngineHarness([mail], [Hello], new EngineOptions { HandlerConcurrency = 8, EventQueueCount = 1, MaxEventsPerMessage = 1 });
        await h.InitializeAsync();
        await h.IngestAsync(Purchase("p1", "c1", T0.AddSeconds(1)));
        await h.IngestAsync(Identify("c1", T0));

        await h.DrainAsync();

        Assert.Single(h.Recording(Medium.Email).Sent);
        Assert.Equal(0, h.Engine.Metrics.Skipped);
    }
}
