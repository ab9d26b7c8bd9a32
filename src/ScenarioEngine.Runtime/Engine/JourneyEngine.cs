using System.Buffers;
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
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>
/// The durable pipeline: ingest events into queues, apply them to each customer's partition in one read and one atomic batch,
/// wake instances from timer messages, dispatch outbox rows through the send policy and the channels, and sweep for anything a lost
/// message left behind. Every handler is idempotent; see docs/architecture.md.
/// </summary>
public sealed partial class JourneyEngine
{
    private const int MaxCommitAttempts = 50;
    private readonly IRowStore _store;
    private readonly IQueueFactory _queues;
    private readonly IReadOnlyDictionary<string, IChannel> _channels;
    private readonly IMessageRenderer _renderer;
    private readonly TimeProvider _time;
    private readonly IIntegrationEvents _integrationEvents;
    private readonly ILogger _logger;

    /// <summary>
    /// Creates an engine over storage ports. What it did is handed to <paramref name="integrationEvents"/> after each commit (nothing
    /// when null); failures it retries are logged to <paramref name="logger"/>.
    /// </summary>
    public JourneyEngine(IRowStore store, IQueueFactory queues, Catalog catalog, IEnumerable<IChannel> channels, IMessageRenderer renderer, TimeProvider time, EngineOptions options,
        IIntegrationEvents? integrationEvents = null, ILogger<JourneyEngine>? logger = null)
    {
        _store = new MeteredRowStore(store);
        _queues = new MeteredQueueFactory(queues);
        _integrationEvents = integrationEvents ?? NoIntegrationEvents.Instance;
        _logger = logger ?? NullLogger<JourneyEngine>.Instance;
        Catalog = catalog;
        _channels = channels.ToDictionary(c => c.Medium, StringComparer.Ordinal);
        _renderer = renderer;
        _time = time;
        Options = options;
        _leadScore = LiveLeadScore.For(options);
        _cache = new PartitionCache(options.PartitionCacheSize);
    }

    private readonly PartitionCache _cache;

    /// <summary>How many customers' committed states this process's partition cache holds (at most <see cref="EngineOptions.PartitionCacheSize"/>).</summary>
    public int CachedCustomers => _cache.Count;

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
        Enumerable.Range(0, Options.EventQueueCount).Select(Options.EventQueue).Append(Options.TimerQueue).Append(Options.DispatchQueue);

    // ---------------------------------------------------------------- ingest

    /// <summary>Queues validated events, packed per events queue; returns once every event is durably queued.</summary>
    public async Task IngestAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        foreach (var shard in events.GroupBy(e => Options.EventQueueFor(e.CustomerId), StringComparer.Ordinal))
        {
            var queue = _queues.Get(shard.Key);
            foreach (var pack in Pack(shard))
            {
                await queue.SendAsync(pack, null, cancellationToken).ConfigureAwait(false);
            }
        }

        Metrics.Accepted(events.Count);
    }

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
        // Back-pressure: the messages earlier steps handed over in this process go first, while their customers' rows are still in
        // the partition cache, so sends keep pace with events instead of falling behind a burst.
        var handled = await DrainLocalDispatchAsync(cancellationToken).ConfigureAwait(false);
        return handled + await PumpEventsOnceAsync(queueIndex, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> DrainLocalDispatchAsync(CancellationToken cancellationToken, DateTimeOffset? until = null)
    {
        var n = 0;
        for (var budget = LocalDispatchPending; budget > 0 && !(_time.GetUtcNow() >= until);)
        {
            var one = await PumpLocalDispatchAsync(cancellationToken).ConfigureAwait(false);
            if (one == 0)
            {
                break;
            }

            n += one;
            budget -= one;
        }

        return n;
    }

    private async Task<int> PumpEventsOnceAsync(int queueIndex, CancellationToken cancellationToken)
    {
        if (Options.HandlerConcurrency <= 1)
        {
            return await PumpAsync(Options.EventQueue(queueIndex), async (text, ct) =>
            {
                var message = Codec.Read<EventsMessage>(text);
                foreach (var group in message.Events.GroupBy(e => e.CustomerId, StringComparer.Ordinal))
                {
                    await ApplyEventsAsync(group.Key, group.ToList(), ct).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        // Concurrent: a message is deleted only when every customer in it succeeded; otherwise it comes back, and the customers already
        // applied recognise the redelivery by their event markers.
        var name = Options.EventQueue(queueIndex);
        var queue = _queues.Get(name);
        var items = await queue.ReceiveAsync(32, Options.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        var received = _time.GetUtcNow();
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
                Metrics.HandlerFailed(QueueKind(name));
            }
        }

        // In rounds of whole messages, about Options.EventsPerRound events each: before the next round, the dispatches this round's steps
        // handed over are sent, while their customers' rows are still in the partition cache (a state cached longer than that outlives
        // the collector's youngest generation, and a bigger cache costs more collecting than the partition reads it saves). The later
        // rounds' messages wait meanwhile, so the sends between rounds stop once half their visibility timeout is gone (a slow channel
        // must not make them reappear to another worker); what is left waits for the next pump call, as before rounds existed.
        var failedItems = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var failedCustomers = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        for (var start = 0; start < parsed.Count;)
        {
            var end = start;
            var events = 0;
            do
            {
                events += parsed[end].Message.Events.Count;
                end++;
            }
            while (end < parsed.Count && events + parsed[end].Message.Events.Count <= Options.EventsPerRound);

            if (start > 0)
            {
                await DrainLocalDispatchAsync(cancellationToken, received + Options.VisibilityTimeout / 2).ConfigureAwait(false);
            }

            var round = parsed.GetRange(start, end - start);
            await ApplyRoundAsync(name, round, failedItems, failedCustomers, cancellationToken).ConfigureAwait(false);
            foreach (var (item, _) in round)
            {
                if (!failedItems.ContainsKey(item.Id))
                {
                    await queue.DeleteAsync(item, cancellationToken).ConfigureAwait(false);
                }
            }

            start = end;
        }

        return items.Count;
    }

    // One round of an events pump: the events of its messages grouped by customer, so one customer's events are applied in order (one
    // task per customer) while different customers go side by side. A customer that failed in an earlier round is not applied again in
    // a later one (its later events would overtake the failed ones): every message holding its events stays for redelivery.
    private Task ApplyRoundAsync(string queueName, List<(QueueItem Item, EventsMessage Message)> round, System.Collections.Concurrent.ConcurrentDictionary<string, bool> failedItems,
        System.Collections.Concurrent.ConcurrentDictionary<string, bool> failedCustomers, CancellationToken cancellationToken)
    {
        var customers = round.SelectMany(p => p.Message.Events.Select(e => (p.Item, Event: e)))
            .GroupBy(x => x.Event.CustomerId, StringComparer.Ordinal).ToList();
        return Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = Options.HandlerConcurrency, CancellationToken = cancellationToken },
            async (group, token) =>
            {
                try
                {
                    if (!failedCustomers.ContainsKey(group.Key))
                    {
                        await ApplyEventsAsync(group.Key, group.Select(x => x.Event).ToList(), token).ConfigureAwait(false);
                        return;
                    }
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && token.IsCancellationRequested))
                {
                    Log.CustomerEventsFailed(_logger, queueName, ex);
                    Metrics.HandlerFailed(QueueKind(queueName));
                    failedCustomers[group.Key] = true;
                }

                foreach (var (item, _) in group)
                {
                    failedItems[item.Id] = true;
                }
            });
    }

    /// <summary>Handles up to 32 timer messages.</summary>
    public Task<int> PumpTimersAsync(CancellationToken cancellationToken = default) =>
        PumpAsync(Options.TimerQueue, (text, ct) => WakeAsync(Codec.Read<TimerMessage>(text), ct), cancellationToken);

    /// <summary>Handles up to 32 dispatches handed over in this process (see <see cref="EngineOptions.LocalDispatchLimit"/>), then up to 32 dispatch messages.</summary>
    public async Task<int> PumpDispatchAsync(CancellationToken cancellationToken = default) =>
        await PumpLocalDispatchAsync(cancellationToken).ConfigureAwait(false) +
        await PumpAsync(Options.DispatchQueue, (text, ct) => DispatchAsync(Codec.Read<DispatchMessage>(text), ct), cancellationToken).ConfigureAwait(false);

    // Dispatches a step asked for, handed straight to this process's dispatch pump instead of through a queue message (bounded by
    // Options.LocalDispatchLimit). The outbox row is already committed: if the process stops first, the sweeper finds it.
    private readonly System.Collections.Concurrent.ConcurrentQueue<DispatchMessage> _localDispatch = new();
    private int _localDispatchCount;

    /// <summary>Dispatches handed over in this process and not yet handled.</summary>
    public int LocalDispatchPending => Volatile.Read(ref _localDispatchCount);

    private async Task<int> PumpLocalDispatchAsync(CancellationToken cancellationToken)
    {
        // At most 32 at a time, as from the queue: a pump call that ran hundreds of in-memory dispatches back to back would hold the
        // thread pool from everything else in the process (HTTP requests among them).
        var items = new List<DispatchMessage>();
        while (items.Count < 32 && _localDispatch.TryDequeue(out var item))
        {
            items.Add(item);
        }

        if (items.Count == 0)
        {
            return 0;
        }

        Interlocked.Add(ref _localDispatchCount, -items.Count);
        async ValueTask OneAsync(DispatchMessage message, CancellationToken ct)
        {
            try
            {
                await DispatchAsync(message, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                // Retried through the queue like any other dispatch (and poisoned there after too many tries).
                Log.LocalDispatchFailed(_logger, Options.DispatchQueue, ex);
                Metrics.HandlerFailed("dispatch");
                await EnqueueDispatchAsync(message, TimeSpan.Zero, ct).ConfigureAwait(false);
            }
        }

        if (Options.HandlerConcurrency <= 1)
        {
            foreach (var item in items)
            {
                await OneAsync(item, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Options.HandlerConcurrency, CancellationToken = cancellationToken },
                OneAsync).ConfigureAwait(false);
        }

        return items.Count;
    }

    /// <summary>Moves dispatches handed over in this process to the dispatch queue (when the process stops); returns how many.</summary>
    public async Task<int> FlushLocalDispatchAsync(CancellationToken cancellationToken = default)
    {
        var n = 0;
        while (_localDispatch.TryDequeue(out var item))
        {
            Interlocked.Decrement(ref _localDispatchCount);
            await EnqueueDispatchAsync(item, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            n++;
        }

        return n;
    }

    /// <summary>Pumps every queue once; returns the number of messages handled.</summary>
    public async Task<int> PumpAllAsync(CancellationToken cancellationToken = default)
    {
        var n = 0;
        for (var i = 0; i < Options.EventQueueCount; i++)
        {
            n += await PumpEventsAsync(i, cancellationToken).ConfigureAwait(false);
        }

        n += await PumpTimersAsync(cancellationToken).ConfigureAwait(false);
        n += await PumpDispatchAsync(cancellationToken).ConfigureAwait(false);
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
            Metrics.HandlerFailed(QueueKind(queueName));
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
        Metrics.PoisonOne(QueueKind(queueName));
    }

    /// <summary>The kind of a work queue (the metrics' queue tag): events, timers or dispatch.</summary>
    private string QueueKind(string queueName) =>
        queueName == Options.TimerQueue ? "timers" : queueName == Options.DispatchQueue ? "dispatch" : "events";

    // ---------------------------------------------------------------- step: events

    /// <summary>Applies a customer's events: profile, time line, running instances, new entries; one read and one atomic batch.</summary>
    public async Task ApplyEventsAsync(string customerId, IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
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
        var fresh = false;
        for (var attempt = 0; attempt < MaxCommitAttempts && events.Count > 0; attempt++, fresh = true)
        {
            var (state, cached) = await LoadAsync(customerId, fresh, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            foreach (var e in events)
            {
                state.Write(new RowWrite(WriteKind.Insert, StoredRow.FromUtf8(customerId, Codec.MarkerKey(e.Id), Codec.EmptyObject)));
                Apply(state, e, now);
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
                    var reusable = state.AfterCommit(batch, result);
                    await AfterCommitAsync(state, cancellationToken).ConfigureAwait(false);
                    Keep(state, reusable);
                    return;

                case CommitStatus.AlreadyExists when batch[result.FailedIndex].Row.RowKey.StartsWith(Codec.MarkerPrefix, StringComparison.Ordinal):
                    // Redelivered: this event was applied before. Its follow-up messages may have been lost with the crash that caused
                    // the redelivery, so re-enqueue the customer's pending work (handlers are idempotent), then apply the rest.
                    var duplicateKey = batch[result.FailedIndex].Row.RowKey;
                    events.RemoveAll(e => Codec.MarkerKey(e.Id) == duplicateKey);
                    Metrics.Duplicate();
                    await RekickAsync(customerId, cancellationToken).ConfigureAwait(false);
                    break;

                default:
                    Conflict(cached);
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
        ProfileProjection.Apply(state.Profile, e);
        _leadScore?.Apply(state.Profile, e, now);
        var changes = SegmentMembership.Update(state.Profile, Catalog.Segments, now);
        state.Note(new TimelineEntry(e.OccurredAt, "event", null, null, e.Type, Flatten(e)));
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
            state.Note(new TimelineEntry(now, "event", null, null, segmentEvent.Type, Flatten(segmentEvent)));
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

    /// <summary>Steps the customer's running instances with an event, then starts the journeys it triggers.</summary>
    private void Step(CustomerState state, CustomerEvent e, DateTimeOffset now)
    {
        foreach (var key in state.Instances.Keys.ToList())
        {
            var (doc, _) = state.Instances[key];
            if (!doc.State.IsLive(now))
            {
                continue;
            }

            // A version another process published but this one has not loaded yet: fail the message so it is retried after a reload,
            // rather than skip the instance and lose the event for it.
            var journey = Catalog.Find(doc.State.JourneyId, doc.State.Version) ?? throw new CatalogOutOfDateException(doc.State.JourneyId, doc.State.Version);

            var result = JourneyMachine.Step(journey, doc.State, new EventInput(e), state.Profile, now, Options.Machine);
            Record(state, key, doc, journey, result, now);
        }

        foreach (var journey in Catalog.Live)
        {
            if (!JourneyEntry.IsTriggeredBy(journey, e, state.Profile, now))
            {
                continue;
            }

            var instanceId = journey.Id + ":" + Codec.Safe(e.Id);
            var key = Codec.InstanceKey(instanceId);
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

            var result = JourneyMachine.Step(journey, null, new EnterInput(instanceId, e), state.Profile, now, Options.Machine);
            state.Note(new TimelineEntry(now, "journey", journey.Id, null, $"entered version {journey.Version.ToString(CultureInfo.InvariantCulture)}"));
            state.Happened.Add(IntegrationEvent.JourneyEntered(state.CustomerId, journey.Id, journey.Version, instanceId, e.Id, now));
            Record(state, key, new InstanceDoc { State = result.Instance }, journey, result, now, isNew: true);
        }
    }

    private static Dictionary<string, string> Flatten(CustomerEvent e)
    {
        var data = new Dictionary<string, string>(e.Properties.Count + 1, StringComparer.Ordinal) { ["id"] = e.Id };
        if (e.Properties is Dictionary<string, Value> own)
        {
            foreach (var (k, v) in own) // the dictionary's own enumerator: no boxed one per event
            {
                data[k] = v.ToString();
            }
        }
        else
        {
            foreach (var (k, v) in e.Properties)
            {
                data[k] = v.ToString();
            }
        }

        return data;
    }

    private void Record(CustomerState state, string key, InstanceDoc doc, Journey journey, StepResult result, DateTimeOffset now, bool isNew = false)
    {
        if (result.Effects.Count == 1 && result.Effects[0] is Ignored)
        {
            return;
        }

        doc.State = result.Instance;
        state.Profile = result.Profile;
        var etag = isNew ? null : state.Instances[key].ETag;
        state.Instances[key] = (doc, etag);
        state.DirtyInstances.Add(key);
        foreach (var effect in result.Effects)
        {
            switch (effect)
            {
                case StepEntered s:
                    doc.Count(s.StepId, "entered");
                    break;
                case SendRequested s:
                    var outbox = new OutboxDoc
                    {
                        Key = s.IdempotencyKey, InstanceRowKey = key, JourneyId = journey.Id, Version = journey.Version, StepId = s.StepId,
                        Medium = s.Medium, Message = s.Message, Transactional = s.Transactional, Status = OutboxStatus.Pending,
                        NotBefore = now, CreatedAt = now,
                    };
                    var outboxKey = Codec.OutboxKey(s.IdempotencyKey);
                    state.Outbox[outboxKey] = (outbox, null);
                    state.Write(new RowWrite(WriteKind.Insert, RowWriter.Row(state.CustomerId, outboxKey, outbox)));
                    state.Dispatches.Add(new DispatchMessage(state.CustomerId, outboxKey));
                    break;
                case SendHeldOut s:
                    doc.Count(s.StepId, "heldOut");
                    state.Note(new TimelineEntry(now, "decision", journey.Id, s.StepId, $"holdout: {s.Medium} message {s.Message} not sent"));
                    break;
                case WakeScheduled w:
                    state.Timers.Add(new TimerMessage(state.CustomerId, key, w.Seq, w.At));
                    break;
                case DecisionMade d:
                    state.Note(new TimelineEntry(now, "decision", journey.Id, d.StepId, $"-> {d.Outcome}: {d.Reason}"));
                    break;
                case ProfileUpdated p:
                    state.Note(new TimelineEntry(now, "journey", journey.Id, p.StepId, "profile updated: " + string.Join(", ", p.Operations.Select(o => $"{o.Kind} {o.Name}"))));
                    break;
                case Converted c:
                    doc.Count("(goal)", "converted");
                    state.Note(new TimelineEntry(now, "journey", journey.Id, null, $"converted (goal event {c.EventId})"));
                    state.Happened.Add(IntegrationEvent.JourneyConverted(state.CustomerId, journey.Id, journey.Version, result.Instance.InstanceId, c.EventId, now));
                    break;
                case Exited x:
                    doc.Count("(exit)", x.Reason);
                    state.Note(new TimelineEntry(now, "journey", journey.Id, result.Instance.Step, $"exited: {x.Reason}"));
                    state.Happened.Add(IntegrationEvent.JourneyExited(state.CustomerId, journey.Id, journey.Version, result.Instance.InstanceId, result.Instance.Step, x.Reason, now));
                    break;
            }
        }
    }

    // ---------------------------------------------------------------- step: timers

    private async Task WakeAsync(TimerMessage timer, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (timer.Due > now)
        {
            // Not yet: hop again (a queue message hides at most 7 days).
            await ScheduleTimerAsync(timer, now, cancellationToken).ConfigureAwait(false);
            return;
        }

        var fresh = false;
        for (var attempt = 0; attempt < MaxCommitAttempts; attempt++, fresh = true)
        {
            var (state, cached) = await LoadAsync(timer.CustomerId, fresh, cancellationToken).ConfigureAwait(false);
            now = _time.GetUtcNow();
            if (state.Instances.TryGetValue(timer.InstanceRowKey, out var found) && found.Doc.State.Status == InstanceStatus.Active &&
                Catalog.Find(found.Doc.State.JourneyId, found.Doc.State.Version) is null)
            {
                throw new CatalogOutOfDateException(found.Doc.State.JourneyId, found.Doc.State.Version);
            }

            // Each way out without a commit is confirmed from a fresh read: a cached state may be behind the partition.
            if (!state.Instances.TryGetValue(timer.InstanceRowKey, out var entry) || Catalog.Find(entry.Doc.State.JourneyId, entry.Doc.State.Version) is not { } journey)
            {
                if (cached)
                {
                    continue;
                }

                Metrics.StaleTimer();
                return;
            }

            var result = JourneyMachine.Step(journey, entry.Doc.State, new WakeInput(timer.Seq), state.Profile, now, Options.Machine);
            if (result.Effects is [Ignored])
            {
                if (cached)
                {
                    continue;
                }

                Metrics.StaleTimer();
                return;
            }

            if (result.Effects is [WakeScheduled early] && result.Instance == entry.Doc.State)
            {
                if (cached)
                {
                    continue;
                }

                await ScheduleTimerAsync(timer with { Due = early.At }, now, cancellationToken).ConfigureAwait(false);
                return;
            }

            Record(state, timer.InstanceRowKey, entry.Doc, journey, result, now);
            if (await CommitStateAsync(state, now, cancellationToken).ConfigureAwait(false) is { } reusable)
            {
                await AfterCommitAsync(state, cancellationToken).ConfigureAwait(false);
                Keep(state, reusable);
                return;
            }

            Conflict(cached);
        }

        throw new InvalidOperationException($"customer {timer.CustomerId}: timer could not commit");
    }

    private Task ScheduleTimerAsync(TimerMessage timer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var delay = timer.Due - now;
        delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > Options.MaxTimerHop ? Options.MaxTimerHop : delay;
        return _queues.Get(Options.TimerQueue).SendAsync(Codec.Write(timer), delay, cancellationToken);
    }

    private async Task AfterCommitAsync(CustomerState state, CancellationToken cancellationToken)
    {
        PublishHappened(state);
        var now = _time.GetUtcNow();
        foreach (var timer in state.Timers)
        {
            await ScheduleTimerAsync(timer, now, cancellationToken).ConfigureAwait(false);
        }

        foreach (var dispatch in state.Dispatches)
        {
            if (Interlocked.Increment(ref _localDispatchCount) <= Options.LocalDispatchLimit)
            {
                _localDispatch.Enqueue(dispatch);
                continue;
            }

            Interlocked.Decrement(ref _localDispatchCount);
            await EnqueueDispatchAsync(dispatch, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }

        state.Timers.Clear();
        state.Dispatches.Clear();
    }

    /// <summary>Hands the integration events of a committed state to the publisher (which never blocks) and counts them.</summary>
    private void PublishHappened(CustomerState state)
    {
        foreach (var e in state.Happened)
        {
            switch (e.Type)
            {
                case IntegrationEventTypes.JourneyEntered:
                    EngineMeter.JourneyEntered(e.JourneyId!);
                    break;
                case IntegrationEventTypes.JourneyExited:
                    EngineMeter.JourneyExited(e.JourneyId!, e.Reason!);
                    break;
                case IntegrationEventTypes.JourneyConverted:
                    EngineMeter.JourneyConverted(e.JourneyId!);
                    break;
            }

            _integrationEvents.Publish(e);
        }

        state.Happened.Clear();
    }

    /// <summary>Queues a dispatch message, hidden for <paramref name="delay"/> (at most one timer hop).</summary>
    private Task EnqueueDispatchAsync(DispatchMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        _queues.Get(Options.DispatchQueue).SendAsync(Codec.Write(message), delay <= TimeSpan.Zero ? null : Min(delay, Options.MaxTimerHop), cancellationToken);

    /// <summary>Commits the state's batch; on success returns whether the state took the new ETags (and may be cached), null on a conflict.</summary>
    private async Task<bool?> CommitStateAsync(CustomerState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var batch = state.BuildBatch(now, Options.SendHistoryWindow);
        var result = await _store.CommitAsync(Table, batch, cancellationToken).ConfigureAwait(false);
        return result.Status == CommitStatus.Ok ? state.AfterCommit(batch, result) : null;
    }

    /// <summary>Caches a state whose commit succeeded and whose rows carry the new ETags.</summary>
    private void Keep(CustomerState state, bool reusable)
    {
        if (reusable)
        {
            _cache.Put(state);
        }
    }

    /// <summary>Counts a failed commit: a stale cached state, or a race with another writer.</summary>
    private void Conflict(bool cached)
    {
        if (cached)
        {
            Metrics.StaleCacheOne();
        }
        else
        {
            Metrics.Conflict();
        }
    }

    /// <summary>The customer's state: from the cache unless <paramref name="fresh"/> (then, or on a miss, read from the partition).</summary>
    private async Task<(CustomerState State, bool Cached)> LoadAsync(string customerId, bool fresh, CancellationToken cancellationToken)
    {
        if (_cache.Take(customerId) is { } cached)
        {
            if (!fresh)
            {
                Metrics.CacheHit();
                return (cached, true);
            }
        }

        return (await ReadAsync(customerId, cancellationToken).ConfigureAwait(false), false);
    }

    private async Task RekickAsync(string customerId, CancellationToken cancellationToken)
    {
        var (state, _) = await LoadAsync(customerId, fresh: true, cancellationToken).ConfigureAwait(false);
        foreach (var (key, (doc, _)) in state.Instances)
        {
            if (doc.State.Status == InstanceStatus.Active && doc.State.WakeAt is { } at)
            {
                state.Timers.Add(new TimerMessage(customerId, key, doc.State.Seq, at));
            }
        }

        foreach (var key in state.Outbox.Keys)
        {
            state.Dispatches.Add(new DispatchMessage(customerId, key));
        }

        await AfterCommitAsync(state, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CustomerState> ReadAsync(string customerId, CancellationToken cancellationToken)
    {
        var rows = await _store.QueryAsync(Table, customerId, Codec.HotFrom, Codec.HotTo, cancellationToken).ConfigureAwait(false);
        return CustomerState.From(customerId, rows);
    }

    // ---------------------------------------------------------------- dispatch

    private async Task DispatchAsync(DispatchMessage message, CancellationToken cancellationToken)
    {
        var fresh = false;
        for (var attempt = 0; attempt < MaxCommitAttempts; attempt++, fresh = true)
        {
            var (state, cached) = await LoadAsync(message.CustomerId, fresh, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();

            // Each way out without a commit is confirmed from a fresh read: a cached state may be behind the partition.
            if (!state.Outbox.TryGetValue(message.Key, out var entry))
            {
                if (cached)
                {
                    continue;
                }

                return; // already finished
            }

            var (row, etag) = entry;
            var instance = state.Instances.TryGetValue(row.InstanceRowKey, out var i) ? i.Doc : null;
            if (row.Status == OutboxStatus.Sending)
            {
                if (row.LeaseUntil > now)
                {
                    if (cached)
                    {
                        continue;
                    }

                    await EnqueueDispatchAsync(message, (row.LeaseUntil - now) ?? TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                    return;
                }

                // The claim outlived its lease: the provider may or may not have the message. Never resend blindly; report it.
                if (await FinishAsync(state, message.Key, row, etag, instance, now, "unknown",
                        "outcome unknown (the sender stopped after claiming it): not resent, check the provider", null, cancellationToken).ConfigureAwait(false))
                {
                    Metrics.UnknownOne(row.Medium);
                    return;
                }

                Conflict(cached);
                continue;
            }

            if (row.NotBefore > now)
            {
                if (cached)
                {
                    continue;
                }

                await EnqueueDispatchAsync(message, row.NotBefore - now, cancellationToken).ConfigureAwait(false);
                return;
            }

            var decision = SendPolicy.Decide(row.Medium, row.Transactional, state.Profile, state.ProfileDoc.Sends, now, Options.Policy);
            if (decision.Outcome == PolicyOutcome.Skip)
            {
                // By rule too, so the canvas can say why sends were skipped ("skipped:<rule>" beside "skipped").
                instance?.Count(row.StepId, "skipped:" + decision.Rule);
                if (await FinishAsync(state, message.Key, row, etag, instance, now, "skipped", $"skipped by {decision.Rule}: {decision.Reason}", null, cancellationToken,
                        reason: $"{decision.Rule}: {decision.Reason}").ConfigureAwait(false))
                {
                    Metrics.SkippedOne(row.Medium);
                    return;
                }

                Conflict(cached);
                continue;
            }

            if (decision.Outcome == PolicyOutcome.Defer)
            {
                row.Status = OutboxStatus.Deferred;
                row.NotBefore = decision.DeferUntil!.Value;
                if (!row.DeferCounted && instance is not null)
                {
                    instance.Count(row.StepId, "deferred");
                    instance.Count(row.StepId, "deferred:" + decision.Rule);
                    state.DirtyInstances.Add(row.InstanceRowKey);
                }

                row.DeferCounted = true;
                state.Note(new TimelineEntry(now, "decision", row.JourneyId, row.StepId, $"{row.Medium} message {row.Message} deferred until {decision.DeferUntil:O} by {decision.Rule}: {decision.Reason}"));
                state.Write(new RowWrite(WriteKind.Replace, RowWriter.Row(message.CustomerId, message.Key, row, etag)));
                if (await CommitStateAsync(state, now, cancellationToken).ConfigureAwait(false) is { } deferred)
                {
                    Metrics.DeferredOne(row.Medium);
                    await EnqueueDispatchAsync(message, row.NotBefore - now, cancellationToken).ConfigureAwait(false);
                    Keep(state, deferred);
                    return;
                }

                Conflict(cached);
                continue;
            }

            // Claim: Pending -> Sending, and count the send in the history now so caps hold across concurrent dispatches.
            row.Status = OutboxStatus.Sending;
            row.LeaseUntil = now + Options.SendLease;
            row.ClaimedAt = now;
            row.Attempts++;
            state.ProfileDoc.Sends.Add(new SentMessage(row.Medium, now, row.Transactional));
            state.Write(new RowWrite(WriteKind.Replace, RowWriter.Row(message.CustomerId, message.Key, row, etag)));
            var claimBatch = state.BuildBatch(now, Options.SendHistoryWindow);
            var claim = await _store.CommitAsync(Table, claimBatch, cancellationToken).ConfigureAwait(false);
            if (claim.Status != CommitStatus.Ok)
            {
                Conflict(cached);
                continue;
            }

            var outcome = await SendAsync(state, row, instance, cancellationToken).ConfigureAwait(false);
            // The claim's own ETags let the outcome be recorded without reading the partition again (when nothing raced it).
            var afterClaim = state.AfterCommit(claimBatch, claim) ? state : null;
            await RecordOutcomeAsync(message, outcome.Result, outcome.Content, afterClaim, cancellationToken).ConfigureAwait(false);
            return;
        }

        throw new InvalidOperationException($"customer {message.CustomerId}: dispatch could not commit");
    }

    private async Task<(DeliveryResult Result, IReadOnlyDictionary<string, string>? Content)> SendAsync(CustomerState state, OutboxDoc row, InstanceDoc? instance, CancellationToken cancellationToken)
    {
        if (!Catalog.Messages.TryGetValue(row.Message, out var document))
        {
            return (new Rejected($"message {row.Message} is not in the catalog"), null);
        }

        if (!_channels.TryGetValue(row.Medium, out var channel))
        {
            return (new Rejected($"no channel configured for {row.Medium}"), null);
        }

        var data = TemplateData.For(state.Profile, instance?.State.Trigger ?? CustomerEvent.NoProperties);
        var content = _renderer.Render(document, row.Medium, data);
        // The channel gets its own copy of the profile: the state may be cached and stepped on later, and a channel may keep the message.
        var outbound = new OutboundMessage(state.CustomerId, row.Medium, row.Message, row.Key, row.JourneyId, row.StepId, content, state.Profile.Clone());
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return (await channel.SendAsync(outbound, cancellationToken).ConfigureAwait(false), content);
        }
        catch (HttpRequestException ex)
        {
            return (new RetryLater(TimeSpan.FromMinutes(1), ex.Message), content);
        }
        finally
        {
            EngineMeter.SendTook(row.Medium, start);
        }
    }

    private async Task RecordOutcomeAsync(DispatchMessage message, DeliveryResult result, IReadOnlyDictionary<string, string>? content, CustomerState? known, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxCommitAttempts; attempt++)
        {
            var state = attempt == 0 && known is not null ? known : (await LoadAsync(message.CustomerId, fresh: true, cancellationToken).ConfigureAwait(false)).State;
            var now = _time.GetUtcNow();
            if (!state.Outbox.TryGetValue(message.Key, out var entry) || entry.Doc.Status != OutboxStatus.Sending)
            {
                return;
            }

            var (row, etag) = entry;
            var instance = state.Instances.TryGetValue(row.InstanceRowKey, out var i) ? i.Doc : null;
            bool ok;
            switch (result)
            {
                case Delivered d:
                    ok = await FinishAsync(state, message.Key, row, etag, instance, now, "sent", $"{row.Medium} message {row.Message} sent" + (d.ProviderId is null ? "" : $" (provider id {d.ProviderId})"), content, cancellationToken,
                        providerMessageId: d.ProviderId).ConfigureAwait(false);
                    if (ok)
                    {
                        Metrics.SentOne(row.Medium);
                    }

                    break;
                case RetryLater r when row.Attempts < Options.MaxSendAttempts:
                    row.Status = OutboxStatus.Pending;
                    row.NotBefore = now + r.After;
                    row.LeaseUntil = null;
                    ForgetClaim(state.ProfileDoc.Sends, row);
                    state.Note(new TimelineEntry(now, "message", row.JourneyId, row.StepId, $"{row.Medium} message {row.Message}: retry after {r.After} ({r.Reason})"));
                    state.Write(new RowWrite(WriteKind.Replace, RowWriter.Row(message.CustomerId, message.Key, row, etag)));
                    var retry = await CommitStateAsync(state, now, cancellationToken).ConfigureAwait(false);
                    ok = retry is not null;
                    if (retry is { } reusable)
                    {
                        EngineMetrics.RetriedOne(row.Medium);
                        await EnqueueDispatchAsync(message, r.After, cancellationToken).ConfigureAwait(false);
                        Keep(state, reusable);
                    }

                    break;
                default:
                    var reason = result is Rejected rej ? rej.Reason : $"gave up after {row.Attempts} attempts";
                    ok = await FinishAsync(state, message.Key, row, etag, instance, now, "failed", $"{row.Medium} message {row.Message} failed: {reason}", content, cancellationToken,
                        reason: reason).ConfigureAwait(false);
                    if (ok)
                    {
                        Metrics.FailedOne(row.Medium);
                    }

                    break;
            }

            if (ok)
            {
                return;
            }

            Metrics.Conflict();
        }
    }

    /// <summary>
    /// Ends an outbox row: deletes it, counts the outcome on the instance and writes the time line, atomically; then publishes the
    /// outcome as an integration event (sent, skipped and failed; an unknown outcome is reported on the time line only).
    /// </summary>
    private async Task<bool> FinishAsync(CustomerState state, string key, OutboxDoc row, string? etag, InstanceDoc? instance, DateTimeOffset now,
        string metric, string text, IReadOnlyDictionary<string, string>? content, CancellationToken cancellationToken,
        string? reason = null, string? providerMessageId = null)
    {
        var type = metric switch
        {
            "sent" => IntegrationEventTypes.MessageSent,
            "skipped" => IntegrationEventTypes.MessageSkipped,
            "failed" => IntegrationEventTypes.MessageFailed,
            _ => null,
        };
        if (type is not null)
        {
            var instanceId = instance?.State.InstanceId ?? row.InstanceRowKey[Codec.InstancePrefix.Length..];
            state.Happened.Add(IntegrationEvent.MessageOutcome(type, state.CustomerId, row.JourneyId, row.Version, instanceId, row.StepId, row.Medium, row.Message,
                row.Key, providerMessageId, reason, now));
        }

        if (instance is not null)
        {
            instance.Count(row.StepId, metric);
            state.DirtyInstances.Add(row.InstanceRowKey);
        }

        if (metric == "failed")
        {
            // Nothing reached the customer: it must not count against their caps.
            ForgetClaim(state.ProfileDoc.Sends, row);
        }

        var data = content is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(content, StringComparer.Ordinal);
        data["medium"] = row.Medium;
        data["message"] = row.Message;
        data["key"] = row.Key;
        data["outcome"] = metric;
        state.Note(new TimelineEntry(now, "message", row.JourneyId, row.StepId, text, data));
        state.Write(new RowWrite(WriteKind.Delete, new StoredRow(state.CustomerId, key, "", etag)));
        if (await CommitStateAsync(state, now, cancellationToken).ConfigureAwait(false) is not { } reusable)
        {
            state.Happened.Clear();
            return false;
        }

        PublishHappened(state);
        Keep(state, reusable);
        return true;
    }

    /// <summary>
    /// Removes the one send-history entry this row's claim added. Entries carry no key, and other messages of the medium may have been
    /// claimed at the same instant (always so in virtual time): those were sent and must keep counting against the caps.
    /// </summary>
    private static void ForgetClaim(List<SentMessage> sends, OutboxDoc row)
    {
        var i = row.ClaimedAt is { } claimed ? sends.FindIndex(s => s.Medium == row.Medium && s.SentAt == claimed && s.Transactional == row.Transactional) : -1;
        if (i >= 0)
        {
            sends.RemoveAt(i);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    // ---------------------------------------------------------------- sweeper and scheduled triggers

    /// <summary>
    /// Re-enqueues overdue timers and stranded outbox rows that a lost queue message (or a lost in-process handoff) left behind;
    /// returns how many. An item this process already re-enqueued is not re-enqueued again until its backoff has passed (the grace,
    /// doubling up to <see cref="MaxSweepBackoff"/>): an item is usually overdue because the engine is behind, not because its message
    /// was lost, and re-enqueueing a whole backlog every pass would only add to it.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var count = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stats = new Dictionary<string, JourneyStats>(StringComparer.Ordinal);
        await foreach (var row in _store.ScanAsync(Table, Codec.InstancePrefix, cancellationToken).ConfigureAwait(false))
        {
            var instance = Codec.Read<InstanceDoc>(row);
            var doc = instance.State;
            if (!stats.TryGetValue(doc.JourneyId, out var journeyStats))
            {
                stats[doc.JourneyId] = journeyStats = new JourneyStats(doc.JourneyId);
            }

            // The same scan keeps every journey's counts for dashboards: one row per journey instead of a scan per look.
            journeyStats.Add(instance);
            if (doc.Status == InstanceStatus.Active && doc.WakeAt is { } at && at + Options.SweepGrace < now &&
                ShouldSweep(seen, $"{row.PartitionKey}|{row.RowKey}|{doc.Seq.ToString(CultureInfo.InvariantCulture)}", now))
            {
                await ScheduleTimerAsync(new TimerMessage(row.PartitionKey, row.RowKey, doc.Seq, at), now, cancellationToken).ConfigureAwait(false);
                count++;
            }
        }

        await foreach (var row in _store.ScanAsync(Table, Codec.OutboxPrefix, cancellationToken).ConfigureAwait(false))
        {
            var doc = Codec.Read<OutboxDoc>(row);
            var due = doc.Status == OutboxStatus.Sending ? doc.LeaseUntil ?? now : doc.NotBefore;
            if (due + Options.SweepGrace < now && ShouldSweep(seen, $"{row.PartitionKey}|{row.RowKey}|{doc.Status}|{doc.Attempts.ToString(CultureInfo.InvariantCulture)}", now))
            {
                await EnqueueDispatchAsync(new DispatchMessage(row.PartitionKey, row.RowKey), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                count++;
            }
        }

        await WriteCountsAsync(stats.Values, now, cancellationToken).ConfigureAwait(false);

        // Items no longer overdue were handled: forget them, so the memory stays as large as the current backlog.
        lock (_sweptLock)
        {
            foreach (var key in _swept.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                _swept.Remove(key);
            }
        }

        for (var i = 0; i < count; i++)
        {
            Metrics.SweptOne();
        }

        return count;
    }

    /// <summary>The longest wait before the sweeper re-enqueues the same overdue item again.</summary>
    public static readonly TimeSpan MaxSweepBackoff = TimeSpan.FromHours(1);

    // Overdue items this process re-enqueued: when last, and how many times (for the backoff).
    private readonly Dictionary<string, (DateTimeOffset At, int Times)> _swept = new(StringComparer.Ordinal);
    private readonly Lock _sweptLock = new();

    private bool ShouldSweep(HashSet<string> seen, string key, DateTimeOffset now)
    {
        seen.Add(key);
        lock (_sweptLock)
        {
            if (_swept.TryGetValue(key, out var last))
            {
                var backoff = Options.SweepGrace * Math.Pow(2, Math.Min(last.Times, 20));
                if (now < last.At + (backoff < MaxSweepBackoff ? backoff : MaxSweepBackoff))
                {
                    return false;
                }
            }

            _swept[key] = (now, last.Times + 1);
            return true;
        }
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

    /// <summary>A customer's profile, instances and pending outbox rows, or null when unknown.</summary>
    public async Task<CustomerSnapshot?> GetCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var state = await ReadAsync(customerId, cancellationToken).ConfigureAwait(false);
        if (state.ProfileETag is null)
        {
            return null;
        }

        return new CustomerSnapshot(state.Profile, state.Instances.Values.Select(i => i.Doc).ToList(), state.Outbox.Values.Select(o => o.Doc).ToList(), state.ProfileDoc.Sends);
    }

    /// <summary>A customer's time line, newest first.</summary>
    public async Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string customerId, int max = 200, CancellationToken cancellationToken = default)
    {
        var rows = await _store.QueryAsync(Table, customerId, Codec.TimelinePrefix, "t}", cancellationToken).ConfigureAwait(false);
        return rows.SelectMany(r => Enumerable.Reverse(Codec.Read<List<TimelineEntry>>(r))).Take(max).ToList();
    }

    /// <summary>Per-step counters and outcomes of a journey, aggregated over its instances (a scan: for reports, not the hot path).</summary>
    public async Task<JourneyStats> GetStatsAsync(string journeyId, CancellationToken cancellationToken = default)
    {
        var stats = new JourneyStats(journeyId);
        await foreach (var row in _store.ScanAsync(Table, Codec.InstancePrefix + journeyId + ":", cancellationToken).ConfigureAwait(false))
        {
            stats.Add(Codec.Read<InstanceDoc>(row));
        }

        return stats;
    }
}

/// <summary>Thrown when an instance's journey version is not in this process's catalog yet; the message is retried after a reload.</summary>
public sealed class CatalogOutOfDateException(string journeyId, int version)
    : Exception($"journey {journeyId} version {version} is not loaded in this process yet; the message will be retried");

/// <summary>A customer as the engine holds them.</summary>
public sealed record CustomerSnapshot(CustomerProfile Profile, IReadOnlyList<InstanceDoc> Instances, IReadOnlyList<OutboxDoc> Outbox, IReadOnlyList<SentMessage> RecentSends);

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
