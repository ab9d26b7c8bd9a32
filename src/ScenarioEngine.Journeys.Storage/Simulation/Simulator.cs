using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Sending;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Simulation;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Journeys.Storage.Simulation;

/// <summary>One message the simulation would have sent.</summary>
public sealed record SimulatedSend(DateTimeOffset At, string CustomerId, string JourneyId, string StepId, string Medium, string MessageId, IReadOnlyDictionary<string, string> Content);

/// <summary>What a simulation produced.</summary>
public sealed record SimulationReport(IReadOnlyList<SimulatedSend> Sends, IReadOnlyDictionary<string, JourneyStats> Stats, EngineMetrics Metrics, int Events, int Customers)
{
    /// <summary>Messages sent, over every journey's steps.</summary>
    public int Sent => Total("sent");

    /// <summary>Sends the policy skipped (consent, suppression, caps, quiet hours).</summary>
    public int Skipped => Total("skipped");

    /// <summary>Send attempts deferred (quiet hours, caps, a provider asking to retry later).</summary>
    public int Deferred => Total("deferred");

    /// <summary>Sends a provider refused for good.</summary>
    public int Failed => Total("failed");

    private int Total(string metric) =>
        Stats.Values.Sum(s => s.Counts.Where(c => c.Key.EndsWith("." + metric, StringComparison.Ordinal)).Sum(c => c.Value));
}

/// <summary>
/// Replays an event stream through journeys in virtual time: the engine's ingest on the in-memory store, and the journey
/// orchestrator with its send, record and profile activities (send policy, ledger, time line) run by <see cref="VirtualOrchestrations"/>;
/// it reports what each customer would have received and when. The same classes run on the Durable Task backends.
/// </summary>
public sealed class Simulator
{
    private readonly ManualClock _clock;
    private readonly InMemoryQueueFactory _queues;
    private readonly List<SimulatedSend> _sends = [];
    private readonly VirtualOrchestrations _orchestrations;
    private readonly VirtualJourneyHost _host;
    private readonly bool _rates;

    /// <summary>Creates a simulator over published journeys and their messages; <paramref name="sending"/> sets send rates and circuits (none by default).</summary>
    public Simulator(IEnumerable<Journey> journeys, IEnumerable<MessageDocument> messages, EngineOptions? options = null, IMessageRenderer? renderer = null, DateTimeOffset? start = null,
        SendingOptions? sending = null)
    {
        _clock = new ManualClock(start ?? DateTimeOffset.UnixEpoch);
        _queues = new InMemoryQueueFactory(_clock);
        Store = new InMemoryRowStore();
        var catalog = new Catalog();
        var versions = journeys.Select(j => j.Version == 0 ? j with { Version = 1 } : j).ToList();
        catalog.Load(versions, [], messages);
        var opts = options ?? new EngineOptions();
        opts.EventQueueCount = 1;
        opts.HandlerConcurrency = 1; // virtual time: one message after another, so a replay is reproducible
        opts.Timeline = false; // the report is the sends and counts: no one reads a simulated customer's time line

        _rates = sending?.Rate.Values.Any(r => r > 0) == true;
        var channels = Medium.All.Select(m => new RecordingChannel(m, Record)).ToList();
        _host = new VirtualJourneyHost(Store, _queues, catalog, channels, renderer ?? new VerbatimRenderer(), _clock, opts, sending: sending);
        _orchestrations = _host.Orchestrations;
        Engine = _host.Engine;
    }

    /// <summary>The engine under simulation.</summary>
    public JourneyEngine Engine { get; }

    /// <summary>The in-memory store (for inspection).</summary>
    public InMemoryRowStore Store { get; }

    /// <summary>The virtual clock.</summary>
    public ManualClock Clock => _clock;

    /// <summary>The orchestrations run in virtual time (for inspection).</summary>
    public VirtualOrchestrations Orchestrations => _orchestrations;

    /// <summary>How often the daily analytics job (RFM, BG/NBD) runs in virtual time; null (the default) never.</summary>
    public TimeSpan? AnalyticsEvery { get; init; }

    /// <summary>
    /// Whether one customer's journeys can change another's: send rates are shared by every send of a medium, and the analytics job
    /// ranks customers against each other. A simulation without either can run its customers in shards (<see cref="ShardedSimulation"/>).
    /// </summary>
    public bool CustomersInteract => _rates || AnalyticsEvery is not null;

    private DateTimeOffset _lastTriggerCheck;
    private DateTimeOffset _lastAnalytics;

    /// <summary>Replays the events (sorted by time), then runs on for <paramref name="tail"/> so pending waits complete.</summary>
    public Task<SimulationReport> RunAsync(IEnumerable<CustomerEvent> events, TimeSpan tail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var ordered = events.OrderBy(e => e.OccurredAt).ToList();
        var (from, until) = Span(ordered, tail);
        return RunAsync(ordered, from, until, cancellationToken);
    }

    /// <summary>
    /// Where a run over events sorted by time starts (the first event, or the clock when it is later) and ends (the last event, or
    /// the start, plus <paramref name="tail"/>).
    /// </summary>
    internal (DateTimeOffset From, DateTimeOffset Until) Span(List<CustomerEvent> ordered, TimeSpan tail)
    {
        var now = _clock.GetUtcNow();
        var from = ordered.Count > 0 && now < ordered[0].OccurredAt ? ordered[0].OccurredAt : now;
        return (from, (ordered.Count > 0 && ordered[^1].OccurredAt > from ? ordered[^1].OccurredAt : from) + tail);
    }

    /// <summary>Replays events sorted by time from <paramref name="from"/> (where the clock and the periodic jobs start) to <paramref name="until"/>.</summary>
    internal async Task<SimulationReport> RunAsync(List<CustomerEvent> ordered, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await Engine.InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (_clock.GetUtcNow() < from)
        {
            _clock.MoveTo(from);
        }

        _lastTriggerCheck = _lastAnalytics = _clock.GetUtcNow();
        var customers = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<CustomerEvent>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var e = ordered[i];
            customers.Add(e.CustomerId);
            await RunUntilAsync(e.OccurredAt, cancellationToken).ConfigureAwait(false);
            if (_clock.GetUtcNow() < e.OccurredAt)
            {
                _clock.MoveTo(e.OccurredAt);
            }

            batch.Add(e);

            // Events at the same instant go in together, as a shop's batch post would.
            if (i + 1 == ordered.Count || ordered[i + 1].OccurredAt != e.OccurredAt || batch.Count >= 500)
            {
                // Applied at once rather than through the events queue: in virtual time nothing happens between ingest and the pump.
                await Engine.ApplyNowAsync(batch, cancellationToken).ConfigureAwait(false);
                batch = [];
            }
        }

        await RunUntilAsync(until, cancellationToken).ConfigureAwait(false);
        if (_clock.GetUtcNow() < until)
        {
            _clock.MoveTo(until);
        }

        if (_orchestrations.Failed.Count > 0)
        {
            throw new InvalidOperationException($"{_orchestrations.Failed.Count} simulated instance(s) failed; the first, {_orchestrations.Failed[0].InstanceId}: {_orchestrations.Failed[0].Error.Message}",
                _orchestrations.Failed[0].Error);
        }

        var stats = new Dictionary<string, JourneyStats>(StringComparer.Ordinal);
        foreach (var (id, _, _) in Engine.Catalog.List())
        {
            stats[id] = await Engine.GetStatsAsync(id, cancellationToken).ConfigureAwait(false);
        }

        return new SimulationReport(_sends, stats, Engine.Metrics, ordered.Count, customers.Count);
    }

    /// <summary>Fires due timers, hourly date/schedule trigger checks and periodic analytics up to a time, in time order.</summary>
    private async Task RunUntilAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        var scheduled = Engine.Catalog.Live.Any(j => j.Trigger is DateTrigger or ScheduleTrigger);
        while (true)
        {
            var next = _orchestrations.NextDue;
            var nextCheck = scheduled ? _lastTriggerCheck + TimeSpan.FromHours(1) : DateTimeOffset.MaxValue;
            var nextAnalytics = AnalyticsEvery is { } every ? _lastAnalytics + every : DateTimeOffset.MaxValue;
            var nextJob = nextCheck < nextAnalytics ? nextCheck : nextAnalytics;
            if (nextJob <= until && (next is null || nextJob <= next))
            {
                _clock.MoveTo(nextJob);
                if (nextJob == nextCheck)
                {
                    await Engine.FireScheduledTriggersAsync(_lastTriggerCheck, nextCheck, cancellationToken).ConfigureAwait(false);
                    _lastTriggerCheck = nextCheck;
                }
                else
                {
                    await Engine.RecomputeAnalyticsAsync(nextAnalytics, cancellationToken: cancellationToken).ConfigureAwait(false);
                    _lastAnalytics = nextAnalytics;
                }

                await DrainAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!_orchestrations.FireNext(until))
            {
                return;
            }
        }
    }

    private Task DrainAsync(CancellationToken cancellationToken) => _host.DrainAsync(cancellationToken);

    /// <summary>Records a send at the virtual time it happened.</summary>
    private void Record(OutboundMessage m) =>
        _sends.Add(new SimulatedSend(_clock.GetUtcNow(), m.CustomerId, m.JourneyId, m.StepId, m.Medium, m.MessageId, m.Content));
}
