using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Simulation;

/// <summary>One message the simulation would have sent.</summary>
public sealed record SimulatedSend(DateTimeOffset At, string CustomerId, string JourneyId, string StepId, string Medium, string MessageId, IReadOnlyDictionary<string, string> Content);

/// <summary>What a simulation produced.</summary>
public sealed record SimulationReport(IReadOnlyList<SimulatedSend> Sends, IReadOnlyDictionary<string, JourneyStats> Stats, EngineMetrics Metrics, int Events, int Customers);

/// <summary>
/// Replays an event stream through journeys in virtual time, on the in-memory provider and the real pipeline (queues, timers,
/// dispatch, send policy), and reports what each customer would have received and when.
/// </summary>
public sealed class Simulator
{
    private readonly ManualClock _clock;
    private readonly InMemoryQueueFactory _queues;
    private readonly Dictionary<string, RecordingChannel> _channels;
    private readonly List<SimulatedSend> _sends = [];

    /// <summary>Creates a simulator over published journeys and their messages.</summary>
    public Simulator(IEnumerable<Journey> journeys, IEnumerable<MessageDocument> messages, EngineOptions? options = null, IMessageRenderer? renderer = null, DateTimeOffset? start = null)
    {
        _clock = new ManualClock(start ?? DateTimeOffset.UnixEpoch);
        _queues = new InMemoryQueueFactory(_clock);
        Store = new InMemoryRowStore();
        var catalog = new Catalog();
        var versions = journeys.Select(j => j.Version == 0 ? j with { Version = 1 } : j).ToList();
        catalog.Load(versions, [], messages);
        _channels = Medium.All.ToDictionary(m => m, m => new RecordingChannel(m, Record), StringComparer.Ordinal);
        var opts = options ?? new EngineOptions();
        opts.EventQueueCount = 1;
        opts.HandlerConcurrency = 1; // virtual time: one message after another, so a replay is reproducible
        if (opts.LocalDispatchLimit == 0)
        {
            opts.LocalDispatchLimit = 10_000; // as the standalone host: one process pumps every queue
        }
        Engine = new JourneyEngine(Store, _queues, catalog, _channels.Values, renderer ?? new VerbatimRenderer(), _clock, opts);
    }

    /// <summary>The engine under simulation.</summary>
    public JourneyEngine Engine { get; }

    /// <summary>The in-memory store (for inspection).</summary>
    public InMemoryRowStore Store { get; }

    /// <summary>The virtual clock.</summary>
    public ManualClock Clock => _clock;

    /// <summary>How often the daily analytics job (RFM, BG/NBD) runs in virtual time; null (the default) never.</summary>
    public TimeSpan? AnalyticsEvery { get; init; }

    private DateTimeOffset _lastTriggerCheck;
    private DateTimeOffset _lastAnalytics;

    /// <summary>Replays the events (sorted by time), then runs on for <paramref name="tail"/> so pending waits complete.</summary>
    public async Task<SimulationReport> RunAsync(IEnumerable<CustomerEvent> events, TimeSpan tail, CancellationToken cancellationToken = default)
    {
        await Engine.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var ordered = events.OrderBy(e => e.OccurredAt).ToList();
        if (ordered.Count > 0 && _clock.GetUtcNow() < ordered[0].OccurredAt)
        {
            _clock.MoveTo(ordered[0].OccurredAt);
        }

        _lastTriggerCheck = _lastAnalytics = _clock.GetUtcNow();
        var customers = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<CustomerEvent>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var e = ordered[i];
            customers.Add(e.CustomerId);
            await RunUntilAsync(e.OccurredAt, cancellationToken).ConfigureAwait(false);
            _clock.MoveTo(e.OccurredAt);
            batch.Add(e);

            // Events at the same instant go in together, as a shop's batch post would.
            if (i + 1 == ordered.Count || ordered[i + 1].OccurredAt != e.OccurredAt || batch.Count >= 500)
            {
                await Engine.IngestAsync(batch, cancellationToken).ConfigureAwait(false);
                batch = [];
                await DrainAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var end = _clock.GetUtcNow() + tail;
        await RunUntilAsync(end, cancellationToken).ConfigureAwait(false);
        _clock.MoveTo(end);

        var stats = new Dictionary<string, JourneyStats>(StringComparer.Ordinal);
        foreach (var (id, _, _) in Engine.Catalog.List())
        {
            stats[id] = await Engine.GetStatsAsync(id, cancellationToken).ConfigureAwait(false);
        }

        return new SimulationReport(_sends, stats, Engine.Metrics, ordered.Count, customers.Count);
    }

    /// <summary>Runs due queue work, hourly date/schedule trigger checks and periodic analytics up to a time.</summary>
    private async Task RunUntilAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        var scheduled = Engine.Catalog.Live.Any(j => j.Trigger is DateTrigger or ScheduleTrigger);
        while (true)
        {
            var next = _queues.All.Select(q => q.NextVisibleAt()).Where(t => t is not null).Min();
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

            if (next is null || next > until)
            {
                return;
            }

            _clock.MoveTo(next.Value);
            await DrainAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (await Engine.PumpAllAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    /// <summary>Records a send at the virtual time it happened.</summary>
    private void Record(OutboundMessage m)
    {
        lock (_sends)
        {
            _sends.Add(new SimulatedSend(_clock.GetUtcNow(), m.CustomerId, m.JourneyId, m.StepId, m.Medium, m.MessageId, m.Content));
        }
    }
}
