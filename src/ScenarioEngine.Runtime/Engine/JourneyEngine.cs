using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Globalization;
using System.Text;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Runtime.Diagnostics;
using ScenarioEngine.Runtime.Integration;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Journeys;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>
/// Ingest and reads: events packed into the events queues, each customer's events applied to their partition in one read and one
/// atomic batch (markers, time line, profile, segments, new instance rows), then journey instances started and events raised through
/// <see cref="IJourneyInstances"/> (the journeys themselves run as Durable Task orchestrations); a redelivered event replays its
/// starts and raises from its marker. See docs/architecture.md.
/// </summary>
public sealed partial class JourneyEngine
{
    private const int MaxCommitAttempts = 50;
    private readonly IRowStore _store;
    private readonly IQueueFactory _queues;
    private readonly IJourneyInstances _instances;
    private readonly TimeProvider _time;
    private readonly IIntegrationEvents _integrationEvents;
    private readonly ILogger _logger;
    private readonly RecentRows _recent;

    // Only the queues a worker of this process waits on (the Functions app's queue triggers ask for none).
    private readonly ConcurrentDictionary<string, QueueSignal> _eventsQueued = new(StringComparer.Ordinal);

    /// <summary>
    /// Creates an engine over storage ports. What it did is handed to <paramref name="integrationEvents"/> after each commit (nothing
    /// when null); failures it retries are logged to <paramref name="logger"/>. The instance rows ingest commits are remembered in
    /// <paramref name="recentRows"/>, the process's rows the journey activities' conditioned writes start from (none when null).
    /// </summary>
    public JourneyEngine(IRowStore store, IQueueFactory queues, Catalog catalog, IJourneyInstances instances, TimeProvider time, EngineOptions options,
        IIntegrationEvents? integrationEvents = null, ILogger<JourneyEngine>? logger = null, RecentRows? recentRows = null)
    {
        _store = new MeteredRowStore(store);
        _queues = new MeteredQueueFactory(queues);
        _integrationEvents = integrationEvents ?? NoIntegrationEvents.Instance;
        _logger = logger ?? NullLogger<JourneyEngine>.Instance;
        _recent = recentRows ?? new RecentRows(capacity: 0);
        Catalog = catalog;
        _instances = instances;
        _time = time;
        Options = options;
        _leadScore = LiveLeadScore.For(options);
    }

    private readonly LiveLeadScore? _leadScore;

    /// <summary>The journeys and messages being run.</summary>
    public Catalog Catalog { get; }

    /// <summary>The settings.</summary>
    public EngineOptions Options { get; }

    /// <summary>What the engine did since it started.</summary>
    public EngineMetrics Metrics { get; } = new();

    private string Table => Options.CustomersTable;

    /// <summary>Creates the table and queues.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _store.CreateTableAsync(Table, cancellationToken).ConfigureAwait(false);
        await _store.CreateTableAsync(Options.StatsTable, cancellationToken).ConfigureAwait(false);
        foreach (var name in AllQueueNames())
        {
            await _queues.Get(name).CreateAsync(cancellationToken).ConfigureAwait(false);
            await _queues.Get(name + "-poison").CreateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every work queue's name.</summary>
    public IEnumerable<string> AllQueueNames() =>
        Enumerable.Range(0, Options.EventQueueCount).Select(Options.EventQueue);

    // ---------------------------------------------------------------- ingest

    /// <summary>
    /// Queues validated events, packed per events queue; returns once every event is durably queued. Each queue's
    /// <see cref="EventsQueued"/> signal is pulsed once its events are queued.
    /// </summary>
    public async Task IngestAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        foreach (var shard in events.GroupBy(e => Options.EventQueueFor(e.CustomerId), StringComparer.Ordinal))
        {
            var queue = _queues.Get(shard.Key);
            foreach (var pack in Pack(shard))
            {
                await queue.SendAsync(pack, null, cancellationToken).ConfigureAwait(false);
            }

            if (_eventsQueued.TryGetValue(shard.Key, out var signal))
            {
                signal.Pulse();
            }
        }

        Metrics.Accepted(events.Count);
    }

    /// <summary>
    /// The signal pulsed each time this process has queued events onto events queue <paramref name="queueIndex"/>, for a worker of that
    /// queue in this process to poll at once instead of after its idle delay (events queued by another process are found by polling).
    /// </summary>
    public QueueSignal EventsQueued(int queueIndex) => _eventsQueued.GetOrAdd(Options.EventQueue(queueIndex), static _ => new QueueSignal());

    /// <summary>
    /// Packs events into <see cref="EventsMessage"/> texts (the text <c>Codec.Write(new EventsMessage(...))</c> would give), serialising each
    /// event once, as UTF-8 into the pack (its size decides the packing); the only string made is the message's.
    /// </summary>
    private IEnumerable<string> Pack(IEnumerable<CustomerEvent> events)
    {
        // A queue message holds 64 KiB; base64 costs a third, so keep each pack's JSON under 40 KiB.
        var pack = new ArrayBufferWriter<byte>(16 * 1024);
        var one = new ArrayBufferWriter<byte>(1024);
        using var writer = new Utf8JsonWriter(one, new JsonWriterOptions { Encoder = Codec.Json.Encoder, SkipValidation = true });
        var (count, size) = (0, 0);
        pack.Write("{\"events\":["u8);
        foreach (var e in events)
        {
            one.ResetWrittenCount();
            writer.Reset(one);
            JsonSerializer.Serialize(writer, e, Codec.Json);
            writer.Flush();
            var length = one.WrittenCount + 1;
            if (count > 0 && (count >= Options.MaxEventsPerMessage || size + length > 40_000))
            {
                yield return Message(pack);
                (count, size) = (0, 0);
                pack.ResetWrittenCount();
                pack.Write("{\"events\":["u8);
            }

            if (count > 0)
            {
                pack.Write(","u8);
            }

            pack.Write(one.WrittenSpan);
            count++;
            size += length;
        }

        if (count > 0)
        {
            yield return Message(pack);
        }

        static string Message(ArrayBufferWriter<byte> pack)
        {
            pack.Write("]}"u8);
            return Encoding.UTF8.GetString(pack.WrittenSpan);
        }
    }

    // ---------------------------------------------------------------- pumps

    /// <summary>Handles up to 32 messages of one events queue; returns how many were handled.</summary>
    public async Task<int> PumpEventsAsync(int queueIndex, CancellationToken cancellationToken = default)
    {
        if (Options.HandlerConcurrency <= 1)
        {
            return await PumpAsync(Options.EventQueue(queueIndex), (text, ct) => HandleEventsAsync(text, ct), cancellationToken).ConfigureAwait(false);
        }

        // Concurrent: a message is deleted only when every customer in it succeeded; otherwise it comes back, and the customers already
        // applied recognise the redelivery by their event markers.
        var name = Options.EventQueue(queueIndex);
        var queue = _queues.Get(name);
        var items = await queue.ReceiveAsync(32, Options.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        var parsed = new List<(QueueItem Item, EventsMessage Message)>();
        foreach (var item in items)
        {
            if (item.DequeueCount > Options.MaxDequeueCount)
            {
                await PoisonAsync(queue, name, item, cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                parsed.Add((item, Codec.Read<EventsMessage>(item.Text)));
            }
            catch (JsonException ex)
            {
                Log.UnreadableMessage(_logger, name, item.Id, ex);
                Metrics.HandlerFailed("events");
            }
        }

        var failedItems = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await ApplyRoundAsync(name, parsed, failedItems, cancellationToken).ConfigureAwait(false);
        foreach (var (item, _) in parsed)
        {
            if (!failedItems.ContainsKey(item.Id))
            {
                await queue.DeleteAsync(item, cancellationToken).ConfigureAwait(false);
            }
        }

        return items.Count;
    }

    /// <summary>Applies one events message: each customer's events in order.</summary>
    private Task HandleEventsAsync(string text, CancellationToken cancellationToken) => ApplyInOrderAsync(Codec.Read<EventsMessage>(text).Events, cancellationToken);

    /// <summary>
    /// Accepts and applies events at once, without the events queue: each customer's events in order, customers in the order they first
    /// appear, as one events message of them would be handled. For virtual time (the simulator), where nothing runs between ingest and
    /// the pump; a host queues with <see cref="IngestAsync"/> so that an accepted event survives the process.
    /// </summary>
    public Task ApplyNowAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        Metrics.Accepted(events.Count);
        return ApplyInOrderAsync(events, cancellationToken);
    }

    private async Task ApplyInOrderAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken)
    {
        foreach (var group in events.GroupBy(e => e.CustomerId, StringComparer.Ordinal))
        {
            await ApplyEventsAsync(group.Key, group.ToList(), cancellationToken).ConfigureAwait(false);
        }
    }

    // The events of the messages grouped by customer, so one customer's events are applied in order (one task per customer) while
    // different customers go side by side. Every message holding events of a customer that failed stays for redelivery.
    private Task ApplyRoundAsync(string queueName, List<(QueueItem Item, EventsMessage Message)> round, System.Collections.Concurrent.ConcurrentDictionary<string, bool> failedItems,
        CancellationToken cancellationToken)
    {
        var customers = round.SelectMany(p => p.Message.Events.Select(e => (p.Item, Event: e)))
            .GroupBy(x => x.Event.CustomerId, StringComparer.Ordinal).ToList();
        return Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = Options.HandlerConcurrency, CancellationToken = cancellationToken },
            async (group, token) =>
            {
                try
                {
                    await ApplyEventsAsync(group.Key, group.Select(x => x.Event).ToList(), token).ConfigureAwait(false);
                    return;
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && token.IsCancellationRequested))
                {
                    Log.CustomerEventsFailed(_logger, queueName, ex);
                    Metrics.HandlerFailed("events");
                }

                foreach (var (item, _) in group)
                {
                    failedItems[item.Id] = true;
                }
            });
    }

    /// <summary>Pumps every queue once; returns the number of messages handled.</summary>
    public async Task<int> PumpAllAsync(CancellationToken cancellationToken = default)
    {
        var n = 0;
        for (var i = 0; i < Options.EventQueueCount; i++)
        {
            n += await PumpEventsAsync(i, cancellationToken).ConfigureAwait(false);
        }

        return n;
    }

    private async Task<int> PumpAsync(string queueName, Func<string, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        var queue = _queues.Get(queueName);
        var items = await queue.ReceiveAsync(32, Options.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        if (Options.HandlerConcurrency <= 1 || items.Count <= 1)
        {
            foreach (var item in items)
            {
                await HandleOneAsync(queue, queueName, item, handle, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            // Storage is latency-bound: keep several messages in flight. Messages of one customer may race; the profile ETag serialises them.
            await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Options.HandlerConcurrency, CancellationToken = cancellationToken },
                (item, ct) => new ValueTask(HandleOneAsync(queue, queueName, item, handle, ct))).ConfigureAwait(false);
        }

        return items.Count;
    }

    private async Task HandleOneAsync(IQueue queue, string queueName, QueueItem item, Func<string, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        if (item.DequeueCount > Options.MaxDequeueCount)
        {
            await PoisonAsync(queue, queueName, item, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await handle(item.Text, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // Only this message failed: it reappears after the visibility timeout (and is poisoned after too many tries). Throwing
            // would strand the rest of the batch, already received and counted, and poison healthy messages along with a bad one.
            // A stopping process (its token cancelled) lets the exception through: nothing is deleted, everything is redelivered.
            Log.HandlerFailed(_logger, queueName, item.Id, item.DequeueCount, ex);
            Metrics.HandlerFailed("events");
            return;
        }

        await queue.DeleteAsync(item, cancellationToken).ConfigureAwait(false);
    }

    private async Task PoisonAsync(IQueue queue, string queueName, QueueItem item, CancellationToken cancellationToken)
    {
        var poison = queueName + "-poison";
        await _queues.Get(poison).SendAsync(item.Text, null, cancellationToken).ConfigureAwait(false);
        await queue.DeleteAsync(item, cancellationToken).ConfigureAwait(false);
        Log.MessagePoisoned(_logger, queueName, item.Id, item.DequeueCount, poison);
        Metrics.PoisonOne("events");
    }

    // ---------------------------------------------------------------- step: events

    /// <summary>Applies a customer's events: profile, time line, running instances, new entries; one read and one atomic batch.</summary>
    public async Task ApplyEventsAsync(string customerId, IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 1)
        {
            // The usual pack (a customer's events of one instant, or one message): nothing to de-duplicate, order or slice.
            await ApplySliceAsync(customerId, [events[0]], cancellationToken).ConfigureAwait(false);
            return;
        }

        var pending = events.DistinctBy(e => e.Id, StringComparer.Ordinal).OrderBy(e => e.OccurredAt).ToList();
        for (var i = pending.Count; i < events.Count; i++)
        {
            Metrics.Duplicate();
        }

        // A large pack for one customer is applied in slices that fit a 100-write batch.
        while (pending.Count > 0)
        {
            var slice = pending.Take(8).ToList();
            pending.RemoveRange(0, slice.Count);
            await ApplySliceAsync(customerId, slice, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ApplySliceAsync(string customerId, List<CustomerEvent> events, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxCommitAttempts && events.Count > 0; attempt++)
        {
            var state = await ReadAsync(customerId, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            foreach (var e in events)
            {
                var from = state.Actions.Count;
                Apply(state, e, now);
                state.Write(new RowWrite(WriteKind.Insert, Marker(customerId, e, state.Actions, from)));
            }

            var batch = state.BuildBatch(now, Options.SendHistoryWindow);
            if (batch.Count > 100)
            {
                if (events.Count > 1)
                {
                    var half = events.Count / 2;
                    await ApplySliceAsync(customerId, events.Take(half).ToList(), cancellationToken).ConfigureAwait(false);
                    await ApplySliceAsync(customerId, events.Skip(half).ToList(), cancellationToken).ConfigureAwait(false);
                    return;
                }

                throw new InvalidOperationException($"event {events[0].Id} of customer {customerId} needs {batch.Count} writes; a batch holds 100");
            }

            var result = await _store.CommitAsync(Table, batch, cancellationToken).ConfigureAwait(false);
            switch (result.Status)
            {
                case CommitStatus.Ok:
                    Metrics.Applied(events.Count);

                    // Before the starts: a new instance's first activity starts its batch from the row written here, without reading it.
                    _recent.Remember(Table, batch, result, Codec.InstancePrefix);
                    await AfterCommitAsync(state, cancellationToken).ConfigureAwait(false);
                    return;

                case CommitStatus.AlreadyExists when batch[result.FailedIndex].Row.RowKey.StartsWith(Codec.MarkerPrefix, StringComparison.Ordinal):
                    // Redelivered: this event was applied before. The starts and raises it caused may have been lost with the crash that
                    // caused the redelivery, so they are done again from its marker (a start is dropped for a running id, an instance
                    // ignores an event it has had), then the rest is applied.
                    var duplicateKey = batch[result.FailedIndex].Row.RowKey;
                    var duplicate = events.First(e => Codec.MarkerKey(e.Id) == duplicateKey);
                    events.Remove(duplicate);
                    Metrics.Duplicate();
                    await ReplayAsync(customerId, duplicate, cancellationToken).ConfigureAwait(false);
                    break;

                default:
                    Metrics.Conflict();
                    break;
            }
        }

        if (events.Count > 0)
        {
            throw new InvalidOperationException($"customer {customerId}: could not commit after {MaxCommitAttempts} attempts");
        }
    }

    private void Apply(CustomerState state, CustomerEvent e, DateTimeOffset now)
    {
        var profile = state.ProfileToChange();
        ProfileProjection.Apply(profile, e);
        _leadScore?.Apply(profile, e, now);
        var changes = SegmentMembership.Update(profile, Catalog.Segments, now);
        state.Note(new TimelineEntry(e.OccurredAt, "event", null, null, e.Type, new EventTimelineData(e)));
        if (e.Type is SegmentTrigger.EnteredEvent or SegmentTrigger.LeftEvent && e.Properties.TryGetValue("segment", out var segment) && segment.AsString is { Length: > 0 } segmentId)
        {
            // A segment change that came in as an event (the daily job's RFM segment moves).
            state.Happened.Add(IntegrationEvent.SegmentChanged(e.Type == SegmentTrigger.EnteredEvent, state.CustomerId, segmentId, e.Id, now));
        }

        Step(state, e, now);

        // Entering and leaving segments are events too, applied in the same batch: their ids derive from the event that caused
        // them, so a redelivered event (refused by its marker) cannot make anyone enter twice.
        if (changes.Entered.Count == 0 && changes.Left.Count == 0)
        {
            return; // the usual case: no iterator made
        }

        foreach (var id in changes.Left)
        {
            state.Happened.Add(IntegrationEvent.SegmentChanged(entered: false, state.CustomerId, id, e.Id, now));
        }

        foreach (var id in changes.Entered)
        {
            state.Happened.Add(IntegrationEvent.SegmentChanged(entered: true, state.CustomerId, id, e.Id, now));
        }

        foreach (var segmentEvent in SegmentEvents(state.CustomerId, e, changes, now))
        {
            state.Note(new TimelineEntry(now, "event", null, null, segmentEvent.Type, new EventTimelineData(segmentEvent)));
            Step(state, segmentEvent, now);
        }
    }

    /// <summary>The segment.entered and segment.left events for membership changes caused by an event.</summary>
    private static IEnumerable<CustomerEvent> SegmentEvents(string customerId, CustomerEvent cause, SegmentChanges changes, DateTimeOffset now)
    {
        foreach (var (ids, type, tag) in new[] { (changes.Left, SegmentTrigger.LeftEvent, "out"), (changes.Entered, SegmentTrigger.EnteredEvent, "in") })
        {
            foreach (var id in ids)
            {
                yield return new CustomerEvent($"seg{tag}-{id}-{cause.Id}", type, customerId, now, new Dictionary<string, Value>(StringComparer.Ordinal)
                {
                    ["segment"] = Value.From(id), ["causeEventId"] = Value.From(cause.Id), ["causeEventType"] = Value.From(cause.Type),
                });
            }
        }
    }

    /// <summary>
    /// Routes an event: raised to the customer's live instances whose journey reacts to its type (see <see cref="JourneyEvents"/>), then
    /// new instances started for the journeys it triggers. A new instance's row is written in the same batch with the state of its
    /// entry (the orchestration records its own from the first wait point), so the next event finds it before the orchestration ran.
    /// Both are done once the batch commits (<see cref="AfterCommitAsync"/>).
    /// </summary>
    private void Step(CustomerState state, CustomerEvent e, DateTimeOffset now)
    {
        foreach (var (_, (doc, _)) in state.Instances)
        {
            if (!doc.State.IsLive(now))
            {
                continue;
            }

            // A version another process published but this one has not loaded yet: fail the message so it is retried after a reload,
            // rather than skip the instance and lose the event for it.
            var journey = Catalog.Find(doc.State.JourneyId, doc.State.Version) ?? throw new CatalogOutOfDateException(doc.State.JourneyId, doc.State.Version);
            if (JourneyEvents.Reacts(journey, e.Type))
            {
                state.Actions.Add(new IngestAction(IngestActionKind.Raise, doc.State.InstanceId, journey.Id, journey.Version, e, state.TakeProfile()));
            }
        }

        foreach (var journey in Catalog.Live)
        {
            if (!JourneyEntry.IsTriggeredBy(journey, e, state.Profile, now))
            {
                continue;
            }

            var instanceId = JourneyInstanceId.For(state.CustomerId, journey.Id, e.Id);
            var key = Codec.InstanceKey(journey.Id, instanceId);
            if (state.Instances.ContainsKey(key))
            {
                continue;
            }

            var earlier = state.Instances.Values.Select(i => i.Doc.State).Where(i => i.JourneyId == journey.Id);
            var decision = JourneyEntry.Decide(journey, state.Profile, e, earlier, now);
            if (!decision.Enter)
            {
                state.Note(new TimelineEntry(now, "decision", journey.Id, null, "not entered: " + decision.Reason));
                continue;
            }

            var entry = JourneyMachine.Step(journey, null, new EnterInput(instanceId, e), state.Profile, now, Options.Machine);
            state.Instances[key] = (new InstanceDoc { State = entry.Instance }, null);
            state.DirtyInstances.Add(key);
            state.Happened.Add(IntegrationEvent.JourneyEntered(state.CustomerId, journey.Id, journey.Version, instanceId, e.Id, now));
            state.Actions.Add(new IngestAction(IngestActionKind.Start, instanceId, journey.Id, journey.Version, e, state.TakeProfile()));
        }
    }

    /// <summary>The marker row of an event: its id (a redelivery is refused by it) and the starts and raises it caused, to do again then.</summary>
    private static StoredRow Marker(string customerId, CustomerEvent e, List<IngestAction> actions, int from)
    {
        if (from == actions.Count)
        {
            return new StoredRow(customerId, Codec.MarkerKey(e.Id), "{}");
        }

        var doc = new MarkerDoc();
        for (var i = from; i < actions.Count; i++)
        {
            var action = actions[i];
            doc.Actions.Add(new MarkerAction(action.Kind, action.InstanceId, action.JourneyId, action.Version, ReferenceEquals(action.Event, e) ? null : action.Event));
        }

        return Codec.Row(customerId, Codec.MarkerKey(e.Id), doc);
    }

    /// <summary>Does again the starts and raises a redelivered event caused, with the customer's current profile.</summary>
    private async Task ReplayAsync(string customerId, CustomerEvent e, CancellationToken cancellationToken)
    {
        var row = await _store.GetAsync(Table, customerId, Codec.MarkerKey(e.Id), cancellationToken).ConfigureAwait(false);
        var doc = row is null ? null : Codec.Read<MarkerDoc>(row);
        if (doc is null || doc.Actions.Count == 0)
        {
            return;
        }

        var state = await ReadAsync(customerId, cancellationToken).ConfigureAwait(false);
        foreach (var action in doc.Actions)
        {
            state.Actions.Add(new IngestAction(action.Kind, action.InstanceId, action.JourneyId, action.Version, action.Event ?? e, state.TakeProfile()));
        }

        await RunActionsAsync(state, cancellationToken).ConfigureAwait(false);
    }

    private async Task AfterCommitAsync(CustomerState state, CancellationToken cancellationToken)
    {
        PublishHappened(state);
        await RunActionsAsync(state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts and raises, in the order the events asked for them (an event for an instance started in the same batch follows its start).</summary>
    private async Task RunActionsAsync(CustomerState state, CancellationToken cancellationToken)
    {
        foreach (var action in state.Actions)
        {
            if (action.Kind == IngestActionKind.Start)
            {
                await _instances.StartAsync(new JourneyStart(state.CustomerId, action.JourneyId, action.Version, action.Event.Id, action.Event, action.Profile), cancellationToken)
                    .ConfigureAwait(false);
                Metrics.StartedOne();
            }
            else
            {
                await _instances.RaiseAsync(action.InstanceId, new JourneyEventDelivery(action.Event, action.Profile), cancellationToken).ConfigureAwait(false);
                Metrics.RaisedOne();
            }
        }

        state.Actions.Clear();
    }

    /// <summary>Hands the integration events of a committed state to the publisher (which never blocks) and counts them.</summary>
    private void PublishHappened(CustomerState state)
    {
        foreach (var e in state.Happened)
        {
            // Ingest makes entries and segment changes; exits and conversions are published by the journey recorder.
            if (e.Type == IntegrationEventTypes.JourneyEntered)
            {
                EngineMeter.JourneyEntered(e.JourneyId!);
            }

            _integrationEvents.Publish(e);
        }

        state.Happened.Clear();
    }

    private async Task<CustomerState> ReadAsync(string customerId, CancellationToken cancellationToken)
    {
        var rows = await _store.QueryAsync(Table, customerId, Codec.HotFrom, Codec.HotTo, cancellationToken).ConfigureAwait(false);
        return CustomerState.From(customerId, rows, Options.Timeline);
    }

    // ---------------------------------------------------------------- counts

    /// <summary>
    /// Aggregates every journey's counts from the instance rows and stores one row per journey, so the dashboard reads one row instead
    /// of scanning (a scan of every instance row: run by the counts job, not per request); returns how many instance rows it read.
    /// </summary>
    public async Task<int> RefreshCountsAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var rows = 0;
        var stats = new Dictionary<string, JourneyStats>(StringComparer.Ordinal);
        await foreach (var row in _store.ScanAsync(Table, Codec.InstancePrefix, cancellationToken).ConfigureAwait(false))
        {
            var instance = Codec.Read<InstanceDoc>(row);
            if (!stats.TryGetValue(instance.State.JourneyId, out var journeyStats))
            {
                stats[instance.State.JourneyId] = journeyStats = new JourneyStats(instance.State.JourneyId);
            }

            journeyStats.Add(instance);
            rows++;
        }

        await WriteCountsAsync(stats.Values, now, cancellationToken).ConfigureAwait(false);
        return rows;
    }

    /// <summary>
    /// Fires date and schedule triggers due in (<paramref name="after"/>, <paramref name="upTo"/>] for every known customer by ingesting
    /// a journey.due event with a deterministic id, so running the job twice over the same window enters nobody twice.
    /// </summary>
    public async Task<int> FireScheduledTriggersAsync(DateTimeOffset after, DateTimeOffset upTo, CancellationToken cancellationToken = default)
    {
        var journeys = Catalog.Live.Where(j => j.Trigger is DateTrigger or ScheduleTrigger).ToList();
        if (journeys.Count == 0)
        {
            return 0;
        }

        var events = new List<CustomerEvent>();
        await foreach (var row in _store.ScanAsync(Table, Codec.ProfileKey, cancellationToken).ConfigureAwait(false))
        {
            var profile = Codec.Read<ProfileDoc>(row).ToProfile(row.PartitionKey);
            foreach (var journey in journeys)
            {
                if (JourneyEntry.DueBetween(journey, profile, after, upTo, Options.Machine) is { } at)
                {
                    var id = $"due-{journey.Id}-{at.UtcDateTime:yyyyMMddHHmm}-{row.PartitionKey}";
                    events.Add(new CustomerEvent(id, JourneyEntry.ScheduledEvent, row.PartitionKey, at,
                        new Dictionary<string, Value>(StringComparer.Ordinal) { ["journey"] = Value.From(journey.Id) }));
                }
            }
        }

        if (events.Count > 0)
        {
            await IngestAsync(events, cancellationToken).ConfigureAwait(false);
        }

        return events.Count;
    }

    // ---------------------------------------------------------------- reads

    /// <summary>A customer's profile, journey instances and recent sends, or null when unknown.</summary>
    public async Task<CustomerSnapshot?> GetCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var state = await ReadAsync(customerId, cancellationToken).ConfigureAwait(false);
        if (state.ProfileETag is null)
        {
            return null;
        }

        return new CustomerSnapshot(state.Profile, state.Instances.Values.Select(i => i.Doc.Copy()).ToList(), state.ProfileDoc.Sends);
    }

    /// <summary>A customer's time line, newest first.</summary>
    public async Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string customerId, int max = 200, CancellationToken cancellationToken = default)
    {
        var rows = await _store.QueryAsync(Table, customerId, Codec.TimelinePrefix, "t}", cancellationToken).ConfigureAwait(false);
        return rows.SelectMany(r => Codec.Read<TimelineRow>(r).Entries.Reverse()).Take(max).ToList();
    }

    /// <summary>Per-step counters and outcomes of a journey, aggregated over its instances (a scan: for reports, not the hot path).</summary>
    public async Task<JourneyStats> GetStatsAsync(string journeyId, CancellationToken cancellationToken = default)
    {
        var stats = new JourneyStats(journeyId);
        await foreach (var row in _store.ScanAsync(Table, Codec.InstancePrefix + journeyId + ":", cancellationToken).ConfigureAwait(false))
        {
            stats.Add(Codec.View<InstanceDoc>(row));
        }

        return stats;
    }
}

/// <summary>Thrown when an instance's journey version is not in this process's catalog yet; the message is retried after a reload.</summary>
public sealed class CatalogOutOfDateException(string journeyId, int version)
    : Exception($"journey {journeyId} version {version} is not loaded in this process yet; the message will be retried");

/// <summary>A customer as the engine holds them.</summary>
public sealed record CustomerSnapshot(CustomerProfile Profile, IReadOnlyList<InstanceDoc> Instances, IReadOnlyList<SentMessage> RecentSends);

/// <summary>Aggregated statistics of one journey.</summary>
public sealed class JourneyStats(string journeyId)
{
    /// <summary>The journey.</summary>
    public string JourneyId { get; } = journeyId;
    /// <summary>Instances started.</summary>
    public int Entered { get; private set; }
    /// <summary>Instances still active.</summary>
    public int Active { get; private set; }
    /// <summary>Instances in the holdout group.</summary>
    public int Holdout { get; private set; }
    /// <summary>Treatment instances that converted.</summary>
    public int Converted { get; private set; }
    /// <summary>Holdout instances that converted.</summary>
    public int HoldoutConverted { get; private set; }
    /// <summary>Counters by "step.metric", plus exits by reason under "(exit).reason".</summary>
    public SortedDictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);
    /// <summary>Instances by last split variant.</summary>
    public SortedDictionary<string, int> Variants { get; } = new(StringComparer.Ordinal);
    /// <summary>Active instances by the step they are at now (waiting there, or about to run it).</summary>
    public SortedDictionary<string, int> Waiting { get; } = new(StringComparer.Ordinal);

    /// <summary>When the counts were aggregated: null when this is a scan made just now.</summary>
    public DateTimeOffset? AsOf { get; private set; }

    /// <summary>Conversion rate of treatment minus that of holdout (absolute), when both groups are non-empty.</summary>
    public double? Lift => Holdout == 0 || Entered == Holdout ? null : (double)Converted / (Entered - Holdout) - (double)HoldoutConverted / Holdout;

    /// <summary>The stored form, as of <paramref name="asOf"/>.</summary>
    public JourneyStatsDoc ToDoc(DateTimeOffset asOf) => new(asOf, Entered, Active, Holdout, Converted, HoldoutConverted, Counts, Variants, Waiting);

    /// <summary>Counts read back from their stored form.</summary>
    public static JourneyStats From(string journeyId, JourneyStatsDoc doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var stats = new JourneyStats(journeyId)
        {
            AsOf = doc.AsOf, Entered = doc.Entered, Active = doc.Active, Holdout = doc.Holdout, Converted = doc.Converted, HoldoutConverted = doc.HoldoutConverted,
        };
        foreach (var (k, n) in doc.Counts)
        {
            stats.Counts[k] = n;
        }

        foreach (var (k, n) in doc.Variants)
        {
            stats.Variants[k] = n;
        }

        foreach (var (k, n) in doc.Waiting)
        {
            stats.Waiting[k] = n;
        }

        return stats;
    }

    /// <summary>Adds another part's statistics of the same journey (a sharded simulation's shards, whose customers are disjoint).</summary>
    public void Add(JourneyStats other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Entered += other.Entered;
        Active += other.Active;
        Holdout += other.Holdout;
        Converted += other.Converted;
        HoldoutConverted += other.HoldoutConverted;
        Sum(Counts, other.Counts);
        Sum(Variants, other.Variants);
        Sum(Waiting, other.Waiting);

        static void Sum(SortedDictionary<string, int> into, SortedDictionary<string, int> from)
        {
            foreach (var (key, n) in from)
            {
                into[key] = into.GetValueOrDefault(key) + n;
            }
        }
    }

    internal void Add(InstanceDoc doc)
    {
        Entered++;
        if (doc.State.Status == InstanceStatus.Active)
        {
            Active++;
            if (doc.State.Step is { } step)
            {
                Waiting[step] = Waiting.GetValueOrDefault(step) + 1;
            }
        }

        if (doc.State.Holdout)
        {
            Holdout++;
        }

        if (doc.State.ConvertedAt is not null)
        {
            if (doc.State.Holdout)
            {
                HoldoutConverted++;
            }
            else
            {
                Converted++;
            }
        }

        if (doc.State.Variant is { } v)
        {
            Variants[v] = Variants.GetValueOrDefault(v) + 1;
        }

        foreach (var (k, n) in doc.Counts)
        {
            Counts[k] = Counts.GetValueOrDefault(k) + n;
        }
    }
}
