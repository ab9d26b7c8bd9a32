using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using static ScenarioEngine.Runtime.Tests.EngineHarness;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>
/// The per-process cache of committed customer states: a hit saves the partition read, and a stale entry (another process wrote
/// since) must never lose, double or drop work. "Processes" here are two engines over one store and one set of queues.
/// </summary>
public sealed class PartitionCacheTests
{
    private static readonly MessageDocument Hello = Message("hello");

    private static readonly Journey Welcome = Journey("""
        {
          "id": "welcome", "name": "Welcome",
          "trigger": { "event": "purchase" },
          "reentry": { "mode": "always" },
          "start": "watch",
          "steps": {
            "watch": { "type": "waitForEvent", "event": "click", "timeout": "P1D", "onEvent": "pause", "onTimeout": "done" },
            "pause": { "type": "wait", "for": "PT1H", "next": "send" },
            "send": { "type": "send", "medium": "webhook", "message": "hello", "next": "done" },
            "done": { "type": "exit" }
          }
        }
        """, Hello);

    private static readonly Journey Thanks = Journey("""
        {
          "id": "thanks", "name": "Thanks",
          "trigger": { "event": "purchase" },
          "reentry": { "mode": "always" },
          "start": "send",
          "steps": {
            "send": { "type": "send", "medium": "webhook", "message": "hello", "next": "done" },
            "done": { "type": "exit" }
          }
        }
        """, Hello);

    private static (EngineHarness H, JourneyEngine Other) TwoProcesses(Journey journey, int cacheSize = 10_000)
    {
        var options = new EngineOptions { HandlerConcurrency = 1, EventQueueCount = 1, PartitionCacheSize = cacheSize };
        var h = new EngineHarness([journey], [Hello], options);
        var other = new JourneyEngine(h.Store, h.Queues, h.Engine.Catalog, h.Channels, new VerbatimRenderer(), h.Clock, options);
        return (h, other);
    }

    [Fact]
    public async Task Dispatch_RightAfterItsStepInOneProcess_NeedsNoPartitionRead()
    {
        var (h, _) = TwoProcesses(Thanks);
        await h.InitializeAsync();
        await h.IngestAsync(Purchase("p1", "c1", T0));
        await h.Engine.PumpEventsAsync(0);

        var before = h.Faults.Calls;
        await h.Engine.PumpDispatchAsync();

        // Receive, claim batch, finishing batch, delete: the state the step committed is reused, so no read (StorageCallTests pins
        // the five calls with the cache off).
        Assert.Equal(1, h.Engine.Metrics.Sent);
        Assert.Equal(4, h.Faults.Calls - before);
        Assert.Equal(1, h.Engine.Metrics.CacheHits);
    }

    [Fact]
    public async Task Step_OnStateAnotherProcessChangedSince_RetriedFromFreshReadAndNothingLost()
    {
        var (h, other) = TwoProcesses(Thanks);
        await h.InitializeAsync();

        await h.IngestAsync(Identify("c1", T0));
        await h.Engine.PumpEventsAsync(0); // this process now holds c1
        await h.IngestAsync(Purchase("p1", "c1", T0.AddMinutes(1)));
        await other.PumpEventsAsync(0); // the other process changes c1
        await h.IngestAsync(Purchase("p2", "c1", T0.AddMinutes(2)));
        await h.Engine.PumpEventsAsync(0); // stale: the commit fails on the profile's ETag, then succeeds from a fresh read

        Assert.Equal(1, h.Engine.Metrics.StaleCache);
        Assert.Equal(2, h.Engine.Metrics.EventsApplied);
        var customer = await h.CustomerAsync("c1");
        Assert.Equal(2, customer.Profile.Computed["orders.count"].AsNumber);
        Assert.Equal(["identify", "purchase", "purchase"], (await h.TimelineAsync("c1")).Where(t => t.Kind == "event").Select(t => t.Text).Reverse());
        Assert.Equal(2, customer.Outbox.Count);
    }

    [Fact]
    public async Task Dispatch_OutboxRowMissingFromStaleCache_ConfirmedByFreshReadAndSent()
    {
        var (h, other) = TwoProcesses(Thanks);
        await h.InitializeAsync();

        await h.IngestAsync(Identify("c1", T0));
        await h.Engine.PumpEventsAsync(0); // this process holds c1 without any outbox row
        await h.IngestAsync(Purchase("p1", "c1", T0));
        await other.PumpEventsAsync(0); // the other process writes the outbox row and queues its dispatch

        // The cached state says "no such row" (which would mean "already sent"); only a fresh read may conclude that.
        await h.Engine.PumpDispatchAsync();

        Assert.Equal(1, h.Engine.Metrics.Sent);
        Assert.Single(h.Recording(Medium.Webhook).Sent);
        Assert.Empty((await h.CustomerAsync("c1")).Outbox);
    }

    [Fact]
    public async Task Wake_InstanceAdvancedByAnotherProcess_TimerNotDroppedAsStale()
    {
        var (h, other) = TwoProcesses(Welcome);
        await h.InitializeAsync();

        await h.IngestAsync(Purchase("p1", "c1", T0));
        await h.Engine.PumpEventsAsync(0); // this process holds the instance waiting for a click
        await h.IngestAsync(Event("k1", "click", "c1", T0.AddMinutes(1)));
        await other.PumpEventsAsync(0); // the other process moves it on to the one-hour wait

        h.Clock.MoveTo(T0.AddHours(2));
        await h.Engine.PumpTimersAsync(); // the day-long timeout timer: stale; the hour's timer: due, but unknown to the cached state
        await h.Engine.PumpTimersAsync();
        await h.Engine.PumpDispatchAsync();

        Assert.Single(h.Recording(Medium.Webhook).Sent);
        Assert.Equal(InstanceStatus.Exited, (await h.CustomerAsync("c1")).Instances.Single().State.Status);
    }

    [Fact]
    public async Task Channel_ProfileItWasGiven_NotChangedByLaterStepsOnTheCachedState()
    {
        var (h, _) = TwoProcesses(Thanks);
        await h.InitializeAsync();
        await h.IngestAsync(Event("i1", "identify", "c1", T0, ("firstName", Value.From("Mai"))), Purchase("p1", "c1", T0));
        await h.DrainAsync();
        await h.IngestAsync(Event("i2", "identify", "c1", T0.AddMinutes(1), ("firstName", Value.From("Yui"))));
        await h.DrainAsync();

        // The message went out with the profile as it was; the customer's later change (applied on the cached state) is not in it.
        var sent = Assert.Single(h.Recording(Medium.Webhook).Sent);
        Assert.Equal("Mai", sent.Profile.Attributes["firstName"].AsString);
        Assert.Equal("Yui", (await h.CustomerAsync("c1")).Profile.Attributes["firstName"].AsString);
        Assert.True(h.Engine.Metrics.CacheHits >= 2);
    }

    [Fact]
    public async Task Cache_ManyCustomers_HoldsAtMostItsCapacity()
    {
        var (h, _) = TwoProcesses(Thanks, cacheSize: 3);
        await h.InitializeAsync();
        await h.IngestAsync(Enumerable.Range(0, 10).Select(i => Purchase($"p{i}", $"c{i}", T0)).ToArray());
        await h.DrainAsync();

        Assert.Equal(3, h.Engine.CachedCustomers);
        Assert.Equal(10, h.Engine.Metrics.Sent);
    }

    [Fact]
    public void Put_Full_DropsTheLeastRecentlyCommittedFirst()
    {
        var cache = new PartitionCache(2);
        CustomerState State(string id) => CustomerState.From(id, []);

        cache.Put(State("a"));
        cache.Put(State("b"));
        var b2 = State("b");
        cache.Put(b2); // b again: now the most recent, and a is the oldest
        cache.Put(State("c"));

        Assert.Equal(2, cache.Count);
        Assert.Null(cache.Take("a"));
        Assert.Same(b2, cache.Take("b"));
        Assert.NotNull(cache.Take("c"));
        Assert.Equal(0, cache.Count);

        cache.Put(State("d")); // nodes taken out and dropped are reused: the cache still works after emptying
        cache.Put(State("e"));
        cache.Put(State("f"));
        Assert.Null(cache.Take("d"));
        Assert.Equal("e", cache.Take("e")?.CustomerId);
        Assert.Equal("f", cache.Take("f")?.CustomerId);
    }
}
