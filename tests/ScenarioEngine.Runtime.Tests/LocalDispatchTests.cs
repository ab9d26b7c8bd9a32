using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Simulation;
using static ScenarioEngine.Runtime.Tests.EngineHarness;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>
/// Dispatches handed from a step straight to the same process's dispatch pump: no queue message, no partition read, and nothing
/// lost when the process stops before handling them (the sweeper, or the flush at shutdown, hands them on).
/// </summary>
public sealed class LocalDispatchTests
{
    private static readonly MessageDocument Hello = Message("hello");

    private static readonly Journey Thanks = Journey("""
        {
          "id": "thanks", "name": "Thanks",
          "trigger": { "event": "purchase" },
          "start": "send",
          "steps": {
            "send": { "type": "send", "medium": "webhook", "message": "hello", "next": "done" },
            "done": { "type": "exit" }
          }
        }
        """, Hello);

    private static EngineHarness Harness(int limit) =>
        new([Thanks], [Hello], new EngineOptions { HandlerConcurrency = 1, EventQueueCount = 1, LocalDispatchLimit = limit });

    private static JourneyEngine Restarted(EngineHarness h) =>
        new(h.Store, h.Queues, h.Engine.Catalog, h.Channels, new VerbatimRenderer(), h.Clock, h.Options);

    [Fact]
    public async Task Step_AsksForAMessage_HandedOverWithoutQueueMessageOrRead()
    {
        var h = Harness(limit: 100);
        await h.InitializeAsync();
        await h.IngestAsync(Purchase("p1", "c1", T0));
        await h.Engine.PumpEventsAsync(0);

        Assert.Equal(1, h.Engine.LocalDispatchPending);
        Assert.Equal(0, await h.Queues.Get(h.Options.DispatchQueue).CountAsync());

        var before = h.Faults.Calls;
        Assert.Equal(1, await h.Engine.PumpDispatchAsync());

        // The claim and the finishing batch, on the rows the step left in the cache; then one receive of the (empty) dispatch queue.
        Assert.Equal(3, h.Faults.Calls - before);
        Assert.Single(h.Recording(Medium.Webhook).Sent);
        Assert.Equal(0, h.Engine.LocalDispatchPending);
    }

    [Fact]
    public async Task Process_StopsBeforeHandingOn_SweeperFindsTheOutboxRowAndItIsSentOnce()
    {
        var h = Harness(limit: 100);
        await h.InitializeAsync();
        await h.IngestAsync(Purchase("p1", "c1", T0));
        await h.Engine.PumpEventsAsync(0);
        Assert.Equal(1, h.Engine.LocalDispatchPending); // then the process dies: the handoff is gone with it

        var restarted = Restarted(h);
        Assert.Equal(0, await restarted.PumpAllAsync());
        Assert.Empty(h.Recording(Medium.Webhook).Sent);

        h.Clock.Advance(h.Options.SweepGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await restarted.SweepAsync());
        while (await restarted.PumpAllAsync() > 0)
        {
        }

        Assert.Single(h.Recording(Medium.Webhook).Sent);
        Assert.Empty((await h.CustomerAsync("c1")).Outbox);
    }

    [Fact]
    public async Task Stop_FlushesHandoffsToTheQueue_AnotherProcessSendsThem()
    {
        var h = Harness(limit: 100);
        await h.InitializeAsync();
        await h.IngestAsync(Purchase("p1", "c1", T0), Purchase("p2", "c2", T0));
        await h.Engine.PumpEventsAsync(0);

        Assert.Equal(2, await h.Engine.FlushLocalDispatchAsync());
        Assert.Equal(0, h.Engine.LocalDispatchPending);
        Assert.Equal(2, await h.Queues.Get(h.Options.DispatchQueue).CountAsync());

        var other = Restarted(h);
        while (await other.PumpAllAsync() > 0)
        {
        }

        Assert.Equal(["c1", "c2"], h.Recording(Medium.Webhook).Sent.Select(m => m.CustomerId).Order());
    }

    [Fact]
    public async Task Handoffs_BeyondTheLimit_GoThroughTheQueue()
    {
        var h = Harness(limit: 2);
        await h.InitializeAsync();
        await h.IngestAsync(Enumerable.Range(0, 5).Select(i => Purchase($"p{i}", $"c{i}", T0)).ToArray());
        await h.Engine.PumpEventsAsync(0);

        Assert.Equal(2, h.Engine.LocalDispatchPending);
        Assert.Equal(3, await h.Queues.Get(h.Options.DispatchQueue).CountAsync());

        await h.DrainAsync();
        var sent = h.Recording(Medium.Webhook).Sent;
        Assert.Equal(5, sent.Count);
        Assert.Equal(5, sent.Select(m => m.IdempotencyKey).Distinct().Count());
    }

    [Fact]
    public async Task PumpDispatch_ManyHandoffs_TakesAtMost32PerCall()
    {
        var h = Harness(limit: 100);
        await h.InitializeAsync();
        await h.IngestAsync(Enumerable.Range(0, 40).Select(i => Purchase($"p{i}", $"c{i}", T0)).ToArray());
        await h.Engine.PumpEventsAsync(0);
        Assert.Equal(40, h.Engine.LocalDispatchPending);

        // As from a queue: one call runs at most 32, so a pump loop never holds the thread pool for the whole handoff list.
        Assert.Equal(32, await h.Engine.PumpDispatchAsync());
        Assert.Equal(8, h.Engine.LocalDispatchPending);
        Assert.Equal(8, await h.Engine.PumpDispatchAsync());
        Assert.Equal(40, h.Recording(Medium.Webhook).Sent.Count);
    }

    [Fact]
    public async Task PumpEvents_HandoffsWaiting_SendsThemBeforeTakingMoreEvents()
    {
        var h = Harness(limit: 100);
        await h.InitializeAsync();
        await h.IngestAsync(Enumerable.Range(0, 40).Select(i => Purchase($"p{i}", $"c{i}", T0)).ToArray());
        await h.Engine.PumpEventsAsync(0);
        Assert.Equal(40, h.Engine.LocalDispatchPending);
        await h.IngestAsync(Purchase("p40", "c40", T0));

        // Back-pressure: every waiting handoff (more than one dispatch pump call's 32) is sent, each from the cached rows its step
        // left, before the next events message is taken; only the new event's own handoff waits.
        var before = h.Faults.Calls;
        Assert.Equal(41, await h.Engine.PumpEventsAsync(0));
        Assert.Equal(40, h.Recording(Medium.Webhook).Sent.Count);
        Assert.Equal(40, h.Engine.Metrics.CacheHits);
        Assert.Equal(1, h.Engine.LocalDispatchPending);
        Assert.Equal(0, await h.Queues.Get(h.Options.DispatchQueue).CountAsync());

        // Two batches per send (claim, finish), then the events message: receive, one read for c40, its batch, a timer-less delete.
        Assert.Equal(40 * 2 + 4, h.Faults.Calls - before);
    }

    [Fact]
    public async Task PumpEvents_MoreThanOneRound_SendsEachRoundsHandoffsBeforeSteppingTheNext()
    {
        // Three messages of ten customers, rounds of ten events, a cache of ten customers, two handlers at once.
        var h = new EngineHarness([Thanks], [Hello], new EngineOptions
        {
            HandlerConcurrency = 2, EventQueueCount = 1, LocalDispatchLimit = 100, MaxEventsPerMessage = 10, EventsPerRound = 10, PartitionCacheSize = 10,
        });
        await h.InitializeAsync();
        await h.IngestAsync(Enumerable.Range(0, 30).Select(i => Purchase($"p{i}", $"c{i}", T0)).ToArray());

        Assert.Equal(3, await h.Engine.PumpEventsAsync(0));

        // The first two rounds' sends went out before the next round was stepped; the last round's wait for the next pump call.
        Assert.Equal(20, h.Recording(Medium.Webhook).Sent.Count);
        Assert.Equal(10, h.Engine.LocalDispatchPending);
        Assert.Equal(0, await h.Queues.Get(h.Options.EventQueue(0)).CountAsync());
        await h.Engine.PumpEventsAsync(0);
        Assert.Equal(30, h.Recording(Medium.Webhook).Sent.Select(m => m.IdempotencyKey).Distinct().Count());

        // Each send found its customer's rows in the cache of ten (all thirty stepped first would have left only the last ten there).
        Assert.Equal(30, h.Engine.Metrics.CacheHits);
    }

    [Fact]
    public async Task PumpEvents_SendsBetweenRoundsSlow_StopOnceHalfTheVisibilityTimeoutIsGone()
    {
        // Each send takes 40 s (a slow provider); the visibility timeout is 2 minutes, so after two sends the later rounds' messages
        // have used half of it: their handoffs wait for the next pump call instead of keeping the messages any longer.
        var clock = new ManualClock(T0);
        var slow = new SlowChannel(Medium.Webhook, clock, TimeSpan.FromSeconds(40));
        var h = new EngineHarness([Thanks], [Hello], new EngineOptions
        {
            HandlerConcurrency = 2, EventQueueCount = 1, LocalDispatchLimit = 100, MaxEventsPerMessage = 1, EventsPerRound = 1,
            VisibilityTimeout = TimeSpan.FromMinutes(2),
        }, channels: [slow], clock: clock);
        await h.InitializeAsync();
        await h.IngestAsync(Enumerable.Range(0, 5).Select(i => Purchase($"p{i}", $"c{i}", T0)).ToArray());

        Assert.Equal(5, await h.Engine.PumpEventsAsync(0));

        // Rounds 2 and 3 sent the handoffs before them (80 s in all); from round 4 on the deadline (60 s) had passed.
        Assert.Equal(2, slow.Sent);
        Assert.Equal(3, h.Engine.LocalDispatchPending);
        Assert.Equal(0, await h.Queues.Get(h.Options.EventQueue(0)).CountAsync());
        await h.Engine.PumpDispatchAsync();
        Assert.Equal(5, slow.Sent);
    }

    private sealed class SlowChannel(string medium, ManualClock clock, TimeSpan takes) : IChannel
    {
        private int _sent;

        public int Sent => Volatile.Read(ref _sent);

        public string Medium { get; } = medium;

        public Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
        {
            clock.Advance(takes);
            Interlocked.Increment(ref _sent);
            return Task.FromResult<DeliveryResult>(new Delivered("p-" + message.IdempotencyKey));
        }
    }

    [Fact]
    public async Task PumpEvents_CustomerFailsInARound_ItsLaterEventsWaitInsteadOfOvertaking()
    {
        var later = Event("v1", "page_view", "c1", T0.AddMinutes(1));
        var h = new EngineHarness([Thanks], [Hello], new EngineOptions
        {
            HandlerConcurrency = 2, EventQueueCount = 1, LocalDispatchLimit = 100, MaxEventsPerMessage = 1, EventsPerRound = 1,
        }, wrapStore: store => new YieldingRowStore(store, failFirstReadOf: "c1"));
        await h.InitializeAsync();
        await h.IngestAsync(Purchase("p1", "c1", T0), later, Purchase("p2", "c2", T0));

        // c1's purchase (round one) fails once; its page view (round two) is not applied ahead of it, and both messages stay.
        Assert.Equal(3, await h.Engine.PumpEventsAsync(0));
        Assert.Equal(1, h.Engine.Metrics.HandlerFailures);
        Assert.Equal(1, h.Engine.Metrics.EventsApplied);
        Assert.Equal(2, await h.Queues.Get(h.Options.EventQueue(0)).CountAsync());

        // Redelivered after the visibility timeout: applied in order, and nothing twice.
        h.Clock.Advance(h.Options.VisibilityTimeout + TimeSpan.FromSeconds(1));
        await h.DrainAsync();
        Assert.Equal(3, h.Engine.Metrics.EventsApplied);
        Assert.Equal(["c1", "c2"], h.Recording(Medium.Webhook).Sent.Select(m => m.CustomerId).Order());
    }

    [Fact]
    public async Task Off_StepQueuesADispatchMessage()
    {
        var h = Harness(limit: 0);
        await h.InitializeAsync();
        await h.IngestAsync(Purchase("p1", "c1", T0));
        await h.Engine.PumpEventsAsync(0);

        Assert.Equal(0, h.Engine.LocalDispatchPending);
        Assert.Equal(1, await h.Queues.Get(h.Options.DispatchQueue).CountAsync());
    }
}
