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

    /// <summary>The table of per-journey counts the sweeper aggregates (<see cref="JourneyStatsDoc"/>): the customers table's name + "stats".</summary>
    public string StatsTable => CustomersTable + "stats";

    /// <summary>A prefix for every queue name (lets several engines, or tests, share one account).</summary>
    public string QueuePrefix { get; set; } = "se";

    /// <summary>How many event queues customers are spread over by hash (like Durable Functions' control queues).</summary>
    public int EventQueueCount { get; set; } = 4;

    /// <summary>How long a received message stays hidden while it is handled.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A message received more often than this goes to the poison queue.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a send claim lasts; a claim found after it has an unknown outcome and is reported, not resent.</summary>
    public TimeSpan SendLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How late a timer or outbox row must be before the sweeper re-enqueues it.</summary>
    public TimeSpan SweepGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest a timer message hides at once (queues allow 7 days).</summary>
    public TimeSpan MaxTimerHop { get; set; } = TimeSpan.FromDays(6);

    /// <summary>Provider attempts before a message is recorded as failed.</summary>
    public int MaxSendAttempts { get; set; } = 8;

    /// <summary>How many received messages one pump handles at once (storage is latency-bound; 1 handles them in order).</summary>
    public int HandlerConcurrency { get; set; } = 8;

    /// <summary>
    /// How many customers' parsed rows this process keeps after committing them (least recently committed dropped first), so the next
    /// step for the same customer skips the partition read. 0 turns it off. Safe with many processes: see docs/architecture.md.
    /// </summary>
    public int PartitionCacheSize { get; set; } = 2_000;

    /// <summary>
    /// An events pump (with <see cref="HandlerConcurrency"/> above 1) steps the customers of the messages it received in rounds of about
    /// this many events (whole messages), and sends the dispatches one round handed over before stepping the next, so a send finds its
    /// customer's rows still in the partition cache. Keep <see cref="PartitionCacheSize"/> at least this times the events queues pumped
    /// at once (the defaults: 500 x 4 = 2,000).
    /// </summary>
    public int EventsPerRound { get; set; } = 500;

    /// <summary>
    /// When above 0, a message a step asks for is handed straight to this process's dispatch pump (up to this many waiting), instead
    /// of through a dispatch queue message: three storage requests fewer per message, and the parsed rows are still in the partition
    /// cache. Only for a process that pumps the dispatch queue itself (standalone workers, the simulator); if it stops first, the
    /// outbox row is already committed and the sweeper re-enqueues it after <see cref="SweepGrace"/>. 0 (the default) always queues.
    /// </summary>
    public int LocalDispatchLimit { get; set; }

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

    /// <summary>The name of the events queue for a customer.</summary>
    public string EventQueueFor(string customerId) => EventQueue((int)(StableHash.Hash(customerId) % (ulong)EventQueueCount));

    /// <summary>The name of the i-th events queue.</summary>
    public string EventQueue(int index) => $"{QueuePrefix}-events-{index}";

    /// <summary>The timers queue.</summary>
    public string TimerQueue => $"{QueuePrefix}-timers";

    /// <summary>The dispatch queue.</summary>
    public string DispatchQueue => $"{QueuePrefix}-dispatch";
}

/// <summary>Counters of what the engine did (since start), for tests, benchmarks and health.</summary>
public sealed class EngineMetrics
{
    private long _eventsAccepted, _eventsApplied, _duplicates, _conflicts, _sent, _skipped, _deferred, _failed, _unknown, _poison, _staleTimers, _swept, _handlerFailures, _cacheHits, _staleCache;

    /// <summary>Events acknowledged at ingest.</summary>
    public long EventsAccepted => Interlocked.Read(ref _eventsAccepted);
    /// <summary>Events applied to a customer (committed).</summary>
    public long EventsApplied => Interlocked.Read(ref _eventsApplied);
    /// <summary>Redelivered events found already applied.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);
    /// <summary>Commits retried after a concurrent change.</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);
    /// <summary>Messages delivered to a channel.</summary>
    public long Sent => Interlocked.Read(ref _sent);
    /// <summary>Messages skipped by the policy.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);
    /// <summary>Messages deferred by the policy.</summary>
    public long Deferred => Interlocked.Read(ref _deferred);
    /// <summary>Messages a provider rejected for good.</summary>
    public long Failed => Interlocked.Read(ref _failed);
    /// <summary>Sends whose outcome is unknown after a crash (reported, never resent).</summary>
    public long Unknown => Interlocked.Read(ref _unknown);
    /// <summary>Messages moved to a poison queue.</summary>
    public long Poison => Interlocked.Read(ref _poison);
    /// <summary>Timers dropped because the instance had moved on.</summary>
    public long StaleTimers => Interlocked.Read(ref _staleTimers);
    /// <summary>Items the sweeper re-enqueued.</summary>
    public long Swept => Interlocked.Read(ref _swept);
    /// <summary>Queue messages whose handler threw; each is left on its queue to be retried (and poisoned after too many tries).</summary>
    public long HandlerFailures => Interlocked.Read(ref _handlerFailures);

    /// <summary>Steps that started from this process's cached rows instead of a partition read.</summary>
    public long CacheHits => Interlocked.Read(ref _cacheHits);
    /// <summary>Commits that failed because the cached rows were behind the partition (then re-read and retried).</summary>
    public long StaleCache => Interlocked.Read(ref _staleCache);

    internal void CacheHit() => Interlocked.Increment(ref _cacheHits);
    internal void StaleCacheOne() => Interlocked.Increment(ref _staleCache);

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

    internal void SentOne(string medium) => Send(ref _sent, medium, "sent");
    internal void SkippedOne(string medium) => Send(ref _skipped, medium, "skipped");
    internal void DeferredOne(string medium) => Send(ref _deferred, medium, "deferred");
    internal void FailedOne(string medium) => Send(ref _failed, medium, "failed");
    internal void UnknownOne(string medium) => Send(ref _unknown, medium, "unknown");
    internal static void RetriedOne(string medium) => EngineMeter.Send(medium, "retried");

    internal void PoisonOne(string queueKind)
    {
        Interlocked.Increment(ref _poison);
        EngineMeter.Poison(queueKind);
    }

    internal void StaleTimer() => Interlocked.Increment(ref _staleTimers);
    internal void SweptOne() => Interlocked.Increment(ref _swept);

    internal void HandlerFailed(string queueKind)
    {
        Interlocked.Increment(ref _handlerFailures);
        EngineMeter.HandlerFailed(queueKind);
    }

    private static void Send(ref long counter, string medium, string outcome)
    {
        Interlocked.Increment(ref counter);
        EngineMeter.Send(medium, outcome);
    }
}
