using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys;
using ScenarioEngine.Runtime.Integration;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Simulation;
using ScenarioEngine.Runtime.Storage;
using static ScenarioEngine.Runtime.Tests.EngineHarness;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>The engine publishes each of the eight integration event types once its step committed, with the fields of docs/integration-events.md.</summary>
public sealed class IntegrationEventsTests
{
    private static readonly MessageDocument Hello = Message("hello");

    // The journey instance the purchase p1 of c1 starts.
    private static readonly string Instance = JourneyInstanceId.For("c1", "thanks", "p1");

    // Purchase -> send hello -> exit; a purchase-goal within 7 days.
    private static readonly Journey Thanks = Journey("""
        { "id": "thanks", "name": "Thanks", "trigger": { "event": "purchase" },
          "goal": { "event": "purchase", "within": "P7D" },
          "start": "mail",
          "steps": { "mail": { "type": "send", "medium": "email", "message": "hello", "next": "wait" },
                     "wait": { "type": "wait", "for": "P3D", "next": "done" },
                     "done": { "type": "exit" } } }
        """, Hello);

    private static async Task<EngineHarness> StartAsync(IEnumerable<IChannel>? channels = null, ManualClock? clock = null)
    {
        var h = new EngineHarness([Thanks], [Hello], channels: channels, clock: clock);
        await h.InitializeAsync();
        return h;
    }

    [Fact]
    public async Task ApplyEvents_TriggerCommitted_PublishesJourneyEnteredWithTheEntry()
    {
        var h = await StartAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0));
        Assert.Empty(h.IntegrationEvents.Published); // queued, not applied: nothing happened yet

        h.Clock.Advance(TimeSpan.FromSeconds(5));
        await h.Engine.PumpEventsAsync(0);
        for (var i = 1; i < h.Options.EventQueueCount; i++)
        {
            await h.Engine.PumpEventsAsync(i);
        }

        // The entry comes first; the instance then runs on to its send in the same pump.
        var entered = h.IntegrationEvents.Published[0];
        Assert.Equal(IntegrationEventTypes.JourneyEntered, entered.Type);
        Assert.Single(h.IntegrationEvents.OfType(IntegrationEventTypes.JourneyEntered));
        Assert.Equal("c1", entered.CustomerId);
        Assert.Equal("thanks", entered.JourneyId);
        Assert.Equal(1, entered.Version);
        Assert.Equal(Instance, entered.InstanceId);
        Assert.Equal("p1", entered.CauseEventId);
        Assert.Equal(T0.AddSeconds(5), entered.OccurredAt);
        Assert.Null(entered.Medium);
    }

    [Fact]
    public async Task Dispatch_Delivered_PublishesMessageSentAfterTheEntry()
    {
        var h = await StartAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0));
        await h.DrainAsync();

        Assert.Equal([IntegrationEventTypes.JourneyEntered, IntegrationEventTypes.MessageSent], h.IntegrationEvents.Published.Select(e => e.Type));
        var sent = h.IntegrationEvents.Published[1];
        var delivered = Assert.Single(h.Recording(Medium.Email).Sent);
        Assert.Equal(("c1", "thanks", 1, Instance, "mail"), (sent.CustomerId, sent.JourneyId, sent.Version, sent.InstanceId, sent.StepId));
        Assert.Equal((Medium.Email, "hello"), (sent.Medium, sent.MessageId));
        Assert.Equal(delivered.IdempotencyKey, sent.SendKey);
        Assert.Null(sent.Reason);
    }

    [Fact]
    public async Task Dispatch_NoConsent_PublishesMessageSkippedWithTheRule()
    {
        var h = await StartAsync();
        await h.IngestAsync(Identify("c1", T0, email: false), Purchase("p1", "c1", T0));
        await h.DrainAsync();

        var skipped = Assert.Single(h.IntegrationEvents.OfType(IntegrationEventTypes.MessageSkipped));
        Assert.Equal((Medium.Email, "hello", "mail"), (skipped.Medium, skipped.MessageId, skipped.StepId));
        Assert.Contains("consent", skipped.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(h.IntegrationEvents.OfType(IntegrationEventTypes.MessageSent));
    }

    [Fact]
    public async Task Dispatch_ProviderRejects_PublishesMessageFailedWithTheProvidersReason()
    {
        var clock = new ManualClock(T0);
        var email = new ScriptedChannel(Medium.Email, clock, _ => new Rejected("550 mailbox unavailable"));
        var h = await StartAsync([email], clock);
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0));
        await h.DrainAsync();

        var failed = Assert.Single(h.IntegrationEvents.OfType(IntegrationEventTypes.MessageFailed));
        Assert.Equal("550 mailbox unavailable", failed.Reason);
        Assert.Equal(Instance, failed.InstanceId);
        Assert.Empty(h.IntegrationEvents.OfType(IntegrationEventTypes.MessageSent));
    }

    [Fact]
    public async Task Wake_LastStepReached_PublishesJourneyExitedWhenTheWaitEnds()
    {
        var h = await StartAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0));
        await h.RunUntilAsync(T0.AddDays(2));
        Assert.Empty(h.IntegrationEvents.OfType(IntegrationEventTypes.JourneyExited));

        await h.RunUntilAsync(T0.AddDays(4));

        var exited = Assert.Single(h.IntegrationEvents.OfType(IntegrationEventTypes.JourneyExited));
        Assert.Equal(("thanks", Instance, "completed", "done"), (exited.JourneyId, exited.InstanceId, exited.Reason, exited.StepId));
        Assert.Equal(T0.AddDays(3), exited.OccurredAt);
    }

    [Fact]
    public async Task ApplyEvents_GoalEvent_PublishesJourneyConvertedNamingTheGoalEvent()
    {
        var h = await StartAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0));
        await h.RunUntilAsync(T0.AddDays(1));
        await h.IngestAsync(Purchase("p2", "c1", T0.AddDays(1)));
        await h.DrainAsync();

        var converted = Assert.Single(h.IntegrationEvents.OfType(IntegrationEventTypes.JourneyConverted));
        Assert.Equal(("thanks", Instance, "p2"), (converted.JourneyId, converted.InstanceId, converted.CauseEventId));
    }

    [Fact]
    public async Task ApplyEvents_MembershipChanges_PublishesSegmentEnteredThenLeft()
    {
        var h = new EngineHarness([], [Hello]);
        h.Engine.Catalog.PutSegments([SegmentTests.Segment("""{ "id": "gold", "name": "Gold", "when": { "attr": "profile.plan", "eq": "gold" } }""")]);
        await h.InitializeAsync();

        await h.IngestAsync(Event("u1", "identify", "c1", T0, ("plan", Value.From("gold"))));
        await h.DrainAsync();
        await h.IngestAsync(Event("u2", "identify", "c1", T0.AddMinutes(1), ("plan", Value.From("silver"))));
        await h.DrainAsync();

        Assert.Equal([IntegrationEventTypes.SegmentEntered, IntegrationEventTypes.SegmentLeft], h.IntegrationEvents.Published.Select(e => e.Type));
        Assert.All(h.IntegrationEvents.Published, e => Assert.Equal(("c1", "gold"), (e.CustomerId, e.SegmentId)));
        Assert.Equal(["u1", "u2"], h.IntegrationEvents.Published.Select(e => e.CauseEventId));
    }

    [Fact]
    public async Task ApplyEvents_RedeliveredAndReplayed_SameIdsAndNothingTwice()
    {
        var first = await StartAsync();
        var second = await StartAsync();
        foreach (var h in new[] { first, second })
        {
            await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0));
            await h.IngestAsync(Purchase("p1", "c1", T0)); // the shop posts the same event again
            await h.RunUntilAsync(T0.AddDays(4));
        }

        var ids = first.IntegrationEvents.Published.Select(e => e.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(
            [IntegrationEventTypes.JourneyEntered, IntegrationEventTypes.MessageSent, IntegrationEventTypes.JourneyExited],
            first.IntegrationEvents.Published.Select(e => e.Type));
        Assert.Equal(ids, second.IntegrationEvents.Published.Select(e => e.Id));
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id));
    }

    [Fact]
    public async Task Commit_ConflictThenRetry_PublishesOnceAfterTheCommitThatHeld()
    {
        // Every customer's first two commits lose a race: the engine re-reads and steps again; only the committed step is published.
        var lost = 0;
        var h = new EngineHarness([Thanks], [Hello], wrapStore: store => new InterceptingRowStore(store, commit: _ =>
            Task.FromResult(Interlocked.Increment(ref lost) <= 2 ? new CommitResult(CommitStatus.ConditionFailed, 0) : (CommitResult?)null)));
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0));
        await h.DrainAsync();

        Assert.True(h.Engine.Metrics.Conflicts >= 2);
        Assert.Equal([IntegrationEventTypes.JourneyEntered, IntegrationEventTypes.MessageSent], h.IntegrationEvents.Published.Select(e => e.Type));
    }
}
