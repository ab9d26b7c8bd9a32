using System.Collections.Concurrent;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Storage.Simulation;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Simulation;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>One engine over the in-memory provider, a virtual clock and test channels, with a virtual-time driver.</summary>
internal sealed class EngineHarness
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero); // Monday 10:00 in Tokyo

    public EngineHarness(IEnumerable<Journey> journeys, IEnumerable<MessageDocument> messages, EngineOptions? options = null,
        IEnumerable<IChannel>? channels = null, FaultInjector? faults = null, ManualClock? clock = null, TimeProvider? time = null, DateTimeOffset? start = null,
        Func<IRowStore, IRowStore>? wrapStore = null, RecordingLogger? logger = null)
    {
        Logger = logger ?? new RecordingLogger();
        Clock = clock ?? new ManualClock(start ?? T0);
        Faults = faults ?? new FaultInjector();
        Store = new InMemoryRowStore(Faults);
        Queues = new InMemoryQueueFactory(time ?? Clock, Faults);
        // One message at a time unless a test asks otherwise: scenarios that check which of two racing sends a cap lets through
        // need a fixed order. CompetingWorkersTests pass their own options and run with concurrent handlers.
        Options = options ?? new EngineOptions { HandlerConcurrency = 1 };
        var list = channels?.ToList() ?? [];
        foreach (var medium in Medium.All.Where(m => list.All(c => c.Medium != m)))
        {
            list.Add(new RecordingChannel(medium));
        }

        Channels = list;
        var catalog = new Catalog();
        catalog.Load(journeys.Select(j => j.Version == 0 ? j with { Version = 1 } : j), [], messages);
        _engineStore = wrapStore?.Invoke(Store) ?? Store;
        _catalog = catalog;
        Host = NewHost();
    }

    private readonly Catalog _catalog;

    private VirtualJourneyHost NewHost() =>
        new(_engineStore, Queues, _catalog, Channels, new VerbatimRenderer(), Clock, Options, IntegrationEvents, new SingleLoggerFactory(Logger));

    /// <summary>What the engine logged.</summary>
    public RecordingLogger Logger { get; }

    /// <summary>Every integration event the engine published, in order.</summary>
    public RecordingIntegrationEvents IntegrationEvents { get; } = new();

    private readonly IRowStore _engineStore;

    /// <summary>The engine and its orchestrations in virtual time.</summary>
    public VirtualJourneyHost Host { get; }

    public ManualClock Clock { get; }

    public FaultInjector Faults { get; }

    public InMemoryRowStore Store { get; }

    public InMemoryQueueFactory Queues { get; }

    public EngineOptions Options { get; }

    public IReadOnlyList<IChannel> Channels { get; }

    public JourneyEngine Engine => Host.Engine;

    public T Channel<T>(string medium) where T : class, IChannel => (T)Channels.Single(c => c.Medium == medium);

    public RecordingChannel Recording(string medium) => Channel<RecordingChannel>(medium);

    public IEnumerable<OutboundMessage> AllRecorded => Channels.OfType<RecordingChannel>().SelectMany(c => c.Sent);

    public Task InitializeAsync() => Engine.InitializeAsync();

    public Task IngestAsync(params CustomerEvent[] events) => Engine.IngestAsync(events);

    /// <summary>Applies every queued event; each start or raise runs its instance on until it waits again.</summary>
    public Task DrainAsync() => Host.DrainAsync(Faults.Stopping);

    /// <summary>Runs virtual time up to <paramref name="until"/>: timers fire in time order, and the clock is left there.</summary>
    public Task RunUntilAsync(DateTimeOffset until) => Host.RunUntilAsync(until, Faults.Stopping);

    public Task<IReadOnlyList<TimelineEntry>> TimelineAsync(string customerId) => Engine.GetTimelineAsync(customerId, 10_000);

    /// <summary>
    /// A step counter summed over every journey in the catalog (e.g. "sent", "skipped", "deferred:quietHours", "failed"), as the send
    /// activity records it on the instance rows.
    /// </summary>
    public async Task<int> StepCountAsync(string metric)
    {
        var total = 0;
        foreach (var (journeyId, _, _) in _catalog.List())
        {
            total += (await Engine.GetStatsAsync(journeyId)).Counts.Where(c => c.Key.EndsWith("." + metric, StringComparison.Ordinal)).Sum(c => c.Value);
        }

        return total;
    }

    public async Task<CustomerSnapshot> CustomerAsync(string customerId) =>
        await Engine.GetCustomerAsync(customerId) ?? throw new InvalidOperationException($"no customer {customerId}");

    // ------------------------------------------------------------ building blocks

    public static MessageDocument Message(string id) => MessageParser.Parse(
        $$"""{ "id": "{{id}}", "email": { "subject": "{{id}}", "text": "{{id}}" }, "line": { "text": "{{id}}" }, "webhook": { "payload": { "m": "{{id}}" } } }""").Value!;

    public static Journey Journey(string json, params MessageDocument[] messages)
    {
        var parsed = JourneyParser.Parse(json, messages.ToDictionary(m => m.Id, StringComparer.Ordinal));
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        return parsed.Value! with { Version = 1 };
    }

    public static CustomerEvent Event(string id, string type, string customer, DateTimeOffset at, params (string Key, Value Value)[] props) =>
        new(id, type, customer, at, props.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    public static CustomerEvent Identify(string customer, DateTimeOffset at, bool email = true, bool line = true, string? zone = null, params (string Key, Value Value)[] more)
    {
        var props = new List<(string, Value)> { ("consent.email", Value.From(email)), ("consent.line", Value.From(line)), ("email", Value.From(customer + "@example.com")) };
        if (zone is not null)
        {
            props.Add(("timeZone", Value.From(zone)));
        }

        props.AddRange(more);
        return Event("id-" + customer + "-" + at.UtcTicks, "identify", customer, at, [.. props]);
    }

    public static CustomerEvent Purchase(string id, string customer, DateTimeOffset at, double amount = 6000) =>
        Event(id, "purchase", customer, at, ("amount", Value.From(amount)));
}

/// <summary>A channel that stamps each call with the clock and answers from a script (Delivered when the script runs out).</summary>
internal sealed class ScriptedChannel(string medium, TimeProvider clock, params Func<OutboundMessage, DeliveryResult>[] script) : IChannel
{
    private readonly ConcurrentQueue<(OutboundMessage Message, DateTimeOffset At, DeliveryResult Result)> _calls = new();
    private int _next = -1;

    public string Medium { get; } = medium;

    public IReadOnlyList<(OutboundMessage Message, DateTimeOffset At, DeliveryResult Result)> Calls => _calls.ToList();

    /// <summary>Every call, including one whose script entry threw.</summary>
    public int CallCount => Volatile.Read(ref _next) + 1;

    public IReadOnlyList<(OutboundMessage Message, DateTimeOffset At)> Delivered =>
        _calls.Where(c => c.Result is Delivered).Select(c => (c.Message, c.At)).ToList();

    public Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
    {
        var i = Interlocked.Increment(ref _next);
        var result = i < script.Length ? script[i](message) : new Delivered("p-" + message.IdempotencyKey);
        _calls.Enqueue((message, clock.GetUtcNow(), result));
        return Task.FromResult(result);
    }
}

/// <summary>
/// A store whose partition reads and commits a test can intercept: <paramref name="query"/> returns an exception to fail a read of
/// a partition with (or null), <paramref name="commit"/> runs before each commit and returns the result to answer instead of
/// committing (or null to commit). Every other call goes through.
/// </summary>
internal sealed class InterceptingRowStore(IRowStore inner, Func<string, Exception?>? query = null, Func<CancellationToken, Task<CommitResult?>>? commit = null) : IRowStore
{
    public Task CreateTableAsync(string table, CancellationToken cancellationToken = default) => inner.CreateTableAsync(table, cancellationToken);

    public Task<StoredRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) =>
        inner.GetAsync(table, partitionKey, rowKey, cancellationToken);

    public Task<IReadOnlyList<StoredRow>> QueryAsync(string table, string partitionKey, string fromRowKey, string toRowKey, CancellationToken cancellationToken = default) =>
        query?.Invoke(partitionKey) is { } failure
            ? Task.FromException<IReadOnlyList<StoredRow>>(failure)
            : inner.QueryAsync(table, partitionKey, fromRowKey, toRowKey, cancellationToken);

    public IAsyncEnumerable<StoredRow> ScanAsync(string table, string rowKeyPrefix, CancellationToken cancellationToken = default) =>
        inner.ScanAsync(table, rowKeyPrefix, cancellationToken);

    public async Task<CommitResult> CommitAsync(string table, IReadOnlyList<RowWrite> writes, CancellationToken cancellationToken = default) =>
        (commit is null ? null : await commit(cancellationToken)) ?? await inner.CommitAsync(table, writes, cancellationToken);
}
