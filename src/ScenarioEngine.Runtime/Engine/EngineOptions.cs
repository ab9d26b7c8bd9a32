using ScenarioEngine.Analytics;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Runtime.Diagnostics;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>Runtime settings (bound from the "Engine" configuration section by the host).</summary>
public sealed class EngineOptions
{
    /// <summary>The table holding one partition per customer.</summary>
    public string CustomersTable { get; set; } = "customers";

    /// <summary>The table of per-journey counts the counts job aggregates (<see cref="JourneyStatsDoc"/>): the customers table's name + "stats".</summary>
    public string StatsTable => CustomersTable + "stats";

    /// <summary>A prefix for every queue name (lets several engines, or tests, share one account).</summary>
    public string QueuePrefix { get; set; } = "se";

    /// <summary>How many event queues customers are spread over by hash (like Durable Functions' control queues).</summary>
    public int EventQueueCount { get; set; } = 4;

    /// <summary>How long a received message stays hidden while it is handled.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A message received more often than this goes to the poison queue.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How many received messages one pump handles at once (storage is latency-bound; 1 handles them in order).</summary>
    public int HandlerConcurrency { get; set; } = 8;

    /// <summary>Events packed into one queue message at most.</summary>
    public int MaxEventsPerMessage { get; set; } = 100;

    /// <summary>Send history kept on the profile for caps.</summary>
    public TimeSpan SendHistoryWindow { get; set; } = TimeSpan.FromDays(31);

    /// <summary>Step-function settings (the default time zone).</summary>
    public MachineSettings Machine { get; set; } = MachineSettings.Default;

    /// <summary>The send policy.</summary>
    public SendPolicyOptions Policy { get; set; } = new();

    /// <summary>
    /// Live lead scoring: points per event type, half-life and hot threshold. Null (the default), or no points configured, turns it
    /// off. The score is kept as lead.score (decayed at each event and by the daily job), with lead.scoredAt and lead.hot.
    /// </summary>
    public LeadScoringOptions? LeadScoring { get; set; }

    /// <summary>
    /// Whether ingest and the journey activities write each customer's time line (true). A simulation turns it off: its report is the
    /// sends and counts, nothing reads a simulated customer's time line, and kept in memory it would be most of what the store holds
    /// (every collection marks and moves it). Internal, so no configuration turns off the product's time line.
    /// </summary>
    internal bool Timeline { get; set; } = true;

    /// <summary>The name of the events queue for a customer.</summary>
    public string EventQueueFor(string customerId) => EventQueue((int)(StableHash.Hash(customerId) % (ulong)EventQueueCount));

    /// <summary>The name of the i-th events queue.</summary>
    public string EventQueue(int index) => $"{QueuePrefix}-events-{index}";
}

/// <summary>Counters of what the engine's ingest did (since start), for tests, benchmarks and health; sends are counted by the send activity.</summary>
public sealed class EngineMetrics
{
    private long _eventsAccepted, _eventsApplied, _duplicates, _conflicts, _started, _raised, _poison, _handlerFailures;

    /// <summary>Events acknowledged at ingest.</summary>
    public long EventsAccepted => Interlocked.Read(ref _eventsAccepted);
    /// <summary>Events applied to a customer (committed).</summary>
    public long EventsApplied => Interlocked.Read(ref _eventsApplied);
    /// <summary>Redelivered events found already applied.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);
    /// <summary>Commits retried after a concurrent change.</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);
    /// <summary>Journey instances started (a start repeated after a redelivery counts again).</summary>
    public long Started => Interlocked.Read(ref _started);
    /// <summary>Events raised to running journey instances.</summary>
    public long Raised => Interlocked.Read(ref _raised);
    /// <summary>Messages moved to a poison queue.</summary>
    public long Poison => Interlocked.Read(ref _poison);
    /// <summary>Queue messages whose handler threw; each is left on its queue to be retried (and poisoned after too many tries).</summary>
    public long HandlerFailures => Interlocked.Read(ref _handlerFailures);

    /// <summary>The counters of several engines added up (a sharded simulation's shards).</summary>
    public static EngineMetrics Sum(IEnumerable<EngineMetrics> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var sum = new EngineMetrics();
        foreach (var p in parts)
        {
            sum._eventsAccepted += p.EventsAccepted;
            sum._eventsApplied += p.EventsApplied;
            sum._duplicates += p.Duplicates;
            sum._conflicts += p.Conflicts;
            sum._started += p.Started;
            sum._raised += p.Raised;
            sum._poison += p.Poison;
            sum._handlerFailures += p.HandlerFailures;
        }

        return sum;
    }

    internal void Accepted(int n)
    {
        Interlocked.Add(ref _eventsAccepted, n);
        EngineMeter.Accepted(n);
    }

    internal void Applied(int n)
    {
        Interlocked.Add(ref _eventsApplied, n);
        EngineMeter.Applied(n);
    }

    internal void Duplicate()
    {
        Interlocked.Increment(ref _duplicates);
        EngineMeter.Duplicate();
    }

    internal void Conflict()
    {
        Interlocked.Increment(ref _conflicts);
        EngineMeter.Conflict();
    }

    internal void StartedOne() => Interlocked.Increment(ref _started);

    internal void RaisedOne() => Interlocked.Increment(ref _raised);

    internal void PoisonOne(string queueKind)
    {
        Interlocked.Increment(ref _poison);
        EngineMeter.Poison(queueKind);
    }

    internal void HandlerFailed(string queueKind)
    {
        Interlocked.Increment(ref _handlerFailures);
        EngineMeter.HandlerFailed(queueKind);
    }
}
