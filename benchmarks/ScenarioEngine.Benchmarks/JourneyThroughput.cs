using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScenarioEngine.Api;
using ScenarioEngine.Api.Jobs;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.AzureStorage;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Integration;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Storage.Azure;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Benchmarks;

/// <summary>
/// A load driver for journeys through the whole path, comparing orchestration shapes in one run: identify and purchase events for many
/// customers through the engine's ingest and the host's own events-queue workers (<see cref="EventQueueWorkers"/>, idle backoff
/// included), each purchase starting a send, 2 s wait, send journey on DurableTaskJourneyBackend (DurableTask.AzureStorage on one
/// Azurite, or the in-memory orchestration service), whose activities run the send policy, claim and record in the customers table
/// (the hosts' own port wiring). After one uncounted warm-up run of each shape, shapes alternate (<see cref="JourneyShape"/>: the journey orchestrator, then the naive one, then the
/// orchestrator again...), each with its own customers table, queues and task hub. For each: journeys completed per second from the
/// first purchase posted to the last orchestration completed, storage requests per journey in that window split by client (engine and
/// activities, Durable Task backend) and operation, and processor time (this process and Azurite's).
/// </summary>
internal static class JourneyThroughput
{
    private static readonly string JourneyJson = SendWaitSendJourney.Json("send-wait-send", "thank-you", "cross-sell");

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var target = args.ElementAtOrDefault(1) ?? "azurite";
        if (target is not ("azurite" or "memory"))
        {
            throw new ArgumentException($"journeys: the target is azurite or memory, got '{target}'.", nameof(args));
        }

        var journeys = Positive(args, 2, "journeys", 100);
        var queues = Positive(args, 3, "events queues", 4);
        var runs = Positive(args, 4, "runs", 3);
        if (runs < 2)
        {
            throw new ArgumentException($"journeys: runs must be 2 or more (the journey orchestrator, then the naive shape, alternating), got {runs}.", nameof(args));
        }

        var sendLatency = TimeSpan.FromMilliseconds(args.Length > 5 ? Positive(args, 5, "send latency in ms", 1) : 0);

        output.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {Environment.OSVersion}, .NET {Environment.Version}; load average {LoadAverage()}");
        output.WriteLine($"{journeys} journeys (send, 2 s wait, send) per run, {queues} events queues, {runs} runs alternating the journey orchestrator and the naive shape; " +
                         $"each send answered after {sendLatency.TotalMilliseconds:0} ms");
        var azurite = target == "azurite" ? await AzuriteProcess.StartAsync().ConfigureAwait(false) : null;
        try
        {
            // The first run of a process pays the JIT of the code both shapes share (ingest, activities, Durable Task, the storage
            // clients) and tiers it up: a run of each shape first, as large as the measured ones and not counted, so that no measured
            // run pays it for the other.
            var warmUps = new List<ShapeRun>();
            foreach (var shape in new[] { JourneyShape.Orchestrator, JourneyShape.OneActivityPerStep })
            {
                var warmUp = await RunShapeAsync(shape, azurite, journeys, queues, sendLatency).ConfigureAwait(false);
                output.WriteLine($"warm-up, not counted: {shape.Name}, {journeys} journeys in {warmUp.Elapsed.TotalSeconds:F2} s");
                warmUps.Add(warmUp);
            }

            var results = new List<ShapeRun>();
            for (var i = 0; i < runs; i++)
            {
                var shape = i % 2 == 0 ? JourneyShape.Orchestrator : JourneyShape.OneActivityPerStep;
                var result = await RunShapeAsync(shape, azurite, journeys, queues, sendLatency).ConfigureAwait(false);
                Report(i + 1, result, output);
                results.Add(result);
            }

            Summarize(results, output);
            if (azurite is not null)
            {
                // Nothing of a finished run may go on loading the emulator under the next one: its clients stay silent once it is stopped.
                var stopped = warmUps.Concat(results).ToList();
                var (requestsBefore, cpuBefore) = (stopped.Sum(r => r.LiveRequests()), azurite.ProcessorTime);
                await Task.Delay(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
                output.WriteLine($"after the runs, 3 s idle: {stopped.Sum(r => r.LiveRequests()) - requestsBefore} requests by the stopped runs' clients; " +
                                 $"Azurite CPU {(azurite.ProcessorTime - cpuBefore).TotalSeconds:F2} s; {await LeftInQueuesAsync(azurite).ConfigureAwait(false)}");
            }
        }
        finally
        {
            if (azurite is not null)
            {
                await azurite.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // Azurite keeps every queue's messages in one collection and walks it on each receive: what the runs leave behind slows the next ones.
    private static async Task<string> LeftInQueuesAsync(AzuriteProcess azurite)
    {
        var queues = StorageClients.FromConnectionString(azurite.ConnectionString).Queues;
        var left = new List<string>();
        await foreach (var queue in queues.GetQueuesAsync().ConfigureAwait(false))
        {
            var properties = await queues.GetQueueClient(queue.Name).GetPropertiesAsync().ConfigureAwait(false);
            if (properties.Value.ApproximateMessagesCount > 0)
            {
                left.Add($"{queue.Name} {properties.Value.ApproximateMessagesCount}");
            }
        }

        return left.Count == 0 ? "no message left in any queue" : "messages left: " + string.Join(", ", left);
    }

    private static int Positive(string[] args, int index, string name, int fallback)
    {
        var text = args.ElementAtOrDefault(index);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"journeys: argument {index} ({name}) must be a positive whole number, got '{text}'.", nameof(args));
    }

    private static async Task<ShapeRun> RunShapeAsync(JourneyShape shape, AzuriteProcess? azurite, int journeys, int queues, TimeSpan sendLatency)
    {
        var options = new EngineOptions { QueuePrefix = "jt" + Guid.NewGuid().ToString("N")[..6], CustomersTable = "jt" + Guid.NewGuid().ToString("N")[..8], EventQueueCount = queues };
        var completions = new JourneyCompletions();
        var tasks = completions.Counting(shape.Tasks());
        if (azurite is null)
        {
            var faults = new FaultInjector();
            var store = new InMemoryRowStore(faults);
            await using var memoryServices = Services(store, options, completions, sendLatency, out var memoryCatalog, out var memoryChannel);
            await JourneyServices.InitializeAsync(memoryServices).ConfigureAwait(false);
            await using var memoryBackend = await DurableTaskJourneyBackend.StartInMemoryAsync(tasks, memoryServices, memoryServices.GetRequiredService<ILoggerFactory>())
                .ConfigureAwait(false);
            var memoryEngine = new JourneyEngine(store, new InMemoryQueueFactory(TimeProvider.System, faults), memoryCatalog, memoryBackend, TimeProvider.System, options,
                recentRows: memoryServices.GetRequiredService<RecentRows>());
            return await MeasureAsync(shape with { Description = shape.Name + ", in-memory orchestration service and store" }, memoryEngine, memoryServices,
                memoryChannel, completions, journeys, () => new Dictionary<string, long> { ["store"] = faults.Calls }, () => new Dictionary<string, long>(), () => null)
                .ConfigureAwait(false);
        }

        var clients = StorageClients.FromConnectionString(azurite.ConnectionString);
        var backendCalls = new StorageCallCounter();
        await using var services = Services(clients.CreateRowStore(), options, completions, sendLatency, out var catalog, out var channel);
        await JourneyServices.InitializeAsync(services).ConfigureAwait(false);
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var settings = shape.Settings(new AzureStorageJourneyBackendOptions
        {
            ConnectionString = azurite.ConnectionString,
            TaskHubName = "bench" + Guid.NewGuid().ToString("N")[..8],
            ConfigureClientOptions = backendCalls.AddTo,
        }, loggers);
        var described = shape with
        {
            Description = shape.Description + string.Create(CultureInfo.InvariantCulture,
                $" ({settings.PartitionCount} partitions, polling backing off to {settings.MaxQueuePollingInterval.TotalSeconds:0.#} s, ExecutionStarted de-duplication {(settings.DisableExecutionStartedDeduplication ? "off" : "on")}, extended sessions {(settings.ExtendedSessionsEnabled ? $"on ({settings.ExtendedSessionIdleTimeout.TotalSeconds:0.#} s idle)" : "off")})"),
        };
        await using var backend = await DurableTaskJourneyBackend.StartOnAzureStorageAsync(settings, tasks, services, loggers).ConfigureAwait(false);
        var engine = new JourneyEngine(clients.CreateRowStore(), clients.CreateQueueFactory(), catalog, backend, TimeProvider.System, options,
            recentRows: services.GetRequiredService<RecentRows>());
        return await MeasureAsync(described, engine, services, channel, completions, journeys, clients.Counter.Snapshot, backendCalls.Snapshot, () => azurite.ProcessorTime)
            .ConfigureAwait(false);
    }

    /// <summary>The ports the journey tasks take, from the hosts' own wiring, over <paramref name="store"/>; exits are counted in <paramref name="completions"/>.</summary>
    private static ServiceProvider Services(IRowStore store, EngineOptions options, JourneyCompletions completions, TimeSpan sendLatency, out Catalog catalog,
        out KeyChannel channel)
    {
        var messages = Samples.Messages();
        var parsed = JourneyParser.Parse(JourneyJson, messages);
        var journey = parsed.Value ?? throw new InvalidOperationException(string.Join("; ", parsed.Errors));
        catalog = new Catalog();
        catalog.Load([journey with { Version = 1 }], [], messages.Values);
        channel = new KeyChannel(Medium.Email, sendLatency);
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging(b => b.AddConsole().SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(Options.Create(options))
            .AddSingleton(store)
            .AddSingleton(catalog)
            .AddSingleton<IMessageRenderer>(new VerbatimRenderer())
            .AddSingleton(new ChannelSet([channel]))
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IIntegrationEvents>(completions)
            .AddJourneyPorts()
            .BuildServiceProvider();
    }

    /// <summary>
    /// Runs the host's events-queue workers over <paramref name="engine"/>, applies the identify events (not measured), then measures from
    /// the purchases' post to the last orchestration completed, and checks that every journey sent its two messages once and exited.
    /// </summary>
    private static async Task<ShapeRun> MeasureAsync(JourneyShape shape, JourneyEngine engine, IServiceProvider services, KeyChannel channel, JourneyCompletions completions,
        int journeys, Func<IReadOnlyDictionary<string, long>> engineRequests, Func<IReadOnlyDictionary<string, long>> backendRequests, Func<TimeSpan?> azuriteCpu)
    {
        await engine.InitializeAsync().ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        using var workers = new EventQueueWorkers(engine, Options.Create(new EngineHostOptions()), TimeProvider.System, services.GetRequiredService<ILogger<EventQueueWorkers>>());
        await workers.StartAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            // Consent first (not measured), then one purchase per customer: each starts one journey that sends twice.
            await engine.IngestAsync(Enumerable.Range(0, journeys).Select(i => new CustomerEvent($"i{i}", "identify", $"c{i}", now,
                new Dictionary<string, Value> { ["consent.email"] = Value.From(true) })).ToList()).ConfigureAwait(false);
            await UntilAsync(() => engine.Metrics.EventsApplied >= journeys, shape, "the identify events applied").ConfigureAwait(false);

            var (engineBefore, backendBefore) = (engineRequests(), backendRequests());
            var (cpuBefore, azuriteBefore, loadBefore) = (Process.GetCurrentProcess().TotalProcessorTime, azuriteCpu(), LoadAverage());
            var clock = Stopwatch.StartNew();
            var posted = Stopwatch.GetTimestamp();
            await engine.IngestAsync(Enumerable.Range(0, journeys).Select(i => new CustomerEvent($"p{i}", "purchase", $"c{i}", now.AddSeconds(1),
                new Dictionary<string, Value> { ["amount"] = Value.From(6800) })).ToList()).ConfigureAwait(false);
            await UntilAsync(() => completions.Orchestrations >= journeys, shape, "every orchestration completed").ConfigureAwait(false);
            var elapsed = clock.Elapsed;
            var run = new ShapeRun(shape, journeys, elapsed, Delta(engineBefore, engineRequests()), Delta(backendBefore, backendRequests()),
                Process.GetCurrentProcess().TotalProcessorTime - cpuBefore, azuriteCpu() - azuriteBefore, loadBefore, LoadAverage())
            {
                LiveRequests = () => engineRequests().Values.Sum() + backendRequests().Values.Sum(),
                Latencies = Latencies(posted, completions, channel),
            };
            if (channel.Calls != 2 * journeys || channel.DistinctKeys != 2 * journeys || completions.Exits != journeys || engine.Metrics.Started != journeys)
            {
                throw new InvalidOperationException($"{shape.Name}: expected {journeys} starts, {2 * journeys} messages sent once each and {journeys} exits; got {engine.Metrics.Started} starts, " +
                                                    $"{channel.Calls} sends of {channel.DistinctKeys} distinct messages and {completions.Exits} exits.");
            }

            return run;
        }
        finally
        {
            await workers.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    // When the journeys reached each point, in seconds after the purchases were posted (median and last), and how long each journey's
    // wait between its two sends lasted: what bounds a run's rate when a journey takes longer than its wait.
    private static string Latencies(long posted, JourneyCompletions completions, KeyChannel channel)
    {
        static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;
        string Spread(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count == 0
                ? "none"
                : string.Create(CultureInfo.InvariantCulture, $"{sorted[sorted.Count / 2]:F2} / {sorted[^1]:F2} s");
        }

        var first = channel.SentAt("first");
        var second = channel.SentAt("second");
        var firstByInstance = channel.SentAtByInstance("first");
        var gaps = channel.SentAtByInstance("second").Where(kv => firstByInstance.ContainsKey(kv.Key)).Select(kv => Seconds(firstByInstance[kv.Key], kv.Value)).ToList();
        return $"median / last after the post: started {Spread(completions.StartedAt.Where(t => t >= posted).Select(t => Seconds(posted, t)))}, " +
               $"first send {Spread(first.Select(t => Seconds(posted, t)))}, second send {Spread(second.Select(t => Seconds(posted, t)))}, " +
               $"completed {Spread(completions.CompletedAt.Where(t => t >= posted).Select(t => Seconds(posted, t)))}; " +
               string.Concat(completions.Activities.Where(a => a.Started >= posted).GroupBy(a => a.Name).OrderBy(g => g.Min(a => a.Started))
                   .Select(g => $"{g.Key} started {Spread(g.Select(a => Seconds(posted, a.Started)))} taking {Spread(g.Select(a => Seconds(a.Started, a.Ended)))}; ")) +
               $"first to second send (the 2 s wait) min {(gaps.Count == 0 ? 0 : gaps.Min()).ToString("F2", CultureInfo.InvariantCulture)} s, median / max {Spread(gaps)}";
    }

    private static async Task UntilAsync(Func<bool> condition, JourneyShape shape, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Limit)
            {
                throw new TimeoutException($"{shape.Name}: not within {Limit}: {what}");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    private static Dictionary<string, long> Delta(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        after.Select(kv => (kv.Key, Count: kv.Value - before.GetValueOrDefault(kv.Key))).Where(x => x.Count > 0).ToDictionary(x => x.Key, x => x.Count, StringComparer.Ordinal);

    // The 1-minute load average of the machine (Linux), or "n/a".
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static void Report(int number, ShapeRun run, TextWriter output)
    {
        output.WriteLine($"run {number}: {run.Shape.Description}");
        output.WriteLine($"  {run.Journeys} journeys completed {run.Elapsed.TotalSeconds:F2} s after the first purchase was posted = {run.Rate:F1} journeys/s " +
                         $"(load average {run.LoadBefore} before, {run.LoadAfter} after)");
        output.WriteLine($"  storage requests per journey {run.Requests:F1} (idle polling included): engine and activities {PerJourney(run.EngineRequests, run.Journeys)}; " +
                         (run.AzuriteCpu is null ? "Durable Task backend in memory" : $"Durable Task backend {PerJourney(run.BackendRequests, run.Journeys)}"));
        output.WriteLine($"  CPU: this process {run.Cpu.TotalSeconds:F1} s = {run.Cpu.TotalMilliseconds / run.Journeys:F0} ms per journey" +
                         (run.AzuriteCpu is { } azurite ? $"; Azurite {azurite.TotalSeconds:F1} s = {azurite.TotalMilliseconds / run.Journeys:F0} ms per journey" : ""));
        output.WriteLine($"  {run.Latencies}");
    }

    private static string PerJourney(IReadOnlyDictionary<string, long> requests, int journeys) =>
        requests.Count == 0
            ? "0"
            : $"{(double)requests.Values.Sum() / journeys:F1} (" + string.Join(", ", requests.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => $"{kv.Key} {(double)kv.Value / journeys:F1}")) + ")";

    private static void Summarize(List<ShapeRun> results, TextWriter output)
    {
        var orchestrator = results.Where(r => !r.Shape.Naive).ToList();
        var naive = results.Where(r => r.Shape.Naive).ToList();
        string Range(IEnumerable<double> values, string format)
        {
            var list = values.ToList();
            return list.Min().ToString(format, CultureInfo.InvariantCulture) + (list.Count > 1 ? " to " + list.Max().ToString(format, CultureInfo.InvariantCulture) : "");
        }

        foreach (var (name, runs) in new[] { ("journey orchestrator", orchestrator), ("naive", naive) })
        {
            output.WriteLine($"{name}, {runs.Count} run(s): {Range(runs.Select(r => r.Rate), "F1")} journeys/s; {Range(runs.Select(r => r.Requests), "F1")} requests per journey " +
                             $"(engine and activities {Range(runs.Select(r => r.EngineTotal), "F1")}, backend {Range(runs.Select(r => r.BackendTotal), "F1")})");
        }

        var requestRatios = orchestrator.SelectMany(o => naive.Select(n => o.Requests / n.Requests));
        var rateRatios = orchestrator.SelectMany(o => naive.Select(n => o.Rate / n.Rate));
        output.WriteLine($"orchestrator / naive, every pair of runs: requests {Range(requestRatios, "F2")}x, rate {Range(rateRatios, "F2")}x");
    }

    /// <summary>What one run of one shape measured.</summary>
    private sealed record ShapeRun(JourneyShape Shape, int Journeys, TimeSpan Elapsed, IReadOnlyDictionary<string, long> EngineRequests,
        IReadOnlyDictionary<string, long> BackendRequests, TimeSpan Cpu, TimeSpan? AzuriteCpu, string LoadBefore, string LoadAfter)
    {
        /// <summary>Every request of the run's clients so far, measured or not.</summary>
        public required Func<long> LiveRequests { get; init; }

        /// <summary>When the journeys started, sent and completed.</summary>
        public required string Latencies { get; init; }

        public double Rate => Journeys / Elapsed.TotalSeconds;

        public double EngineTotal => (double)EngineRequests.Values.Sum() / Journeys;

        public double BackendTotal => (double)BackendRequests.Values.Sum() / Journeys;

        public double Requests => EngineTotal + BackendTotal;
    }

    /// <summary>
    /// A channel that keeps only each message's idempotency key (to count distinct sends), as a provider's client keeps nothing: the
    /// recording channel keeps every message with its profile, which would measure the collector holding them, not the engine. It answers
    /// after <c>latency</c>, as a provider's API would (zero: at once).
    /// </summary>
    private sealed class KeyChannel(string medium, TimeSpan latency) : IChannel
    {
        private readonly ConcurrentDictionary<string, long> _keys = new(StringComparer.Ordinal);
        private long _calls;

        public string Medium { get; } = medium;

        public int DistinctKeys => _keys.Count;

        public long Calls => Interlocked.Read(ref _calls);

        /// <summary>The <see cref="Stopwatch"/> timestamp of each send (the first of a key), by the step that sent it (the key's last segment).</summary>
        public IReadOnlyList<long> SentAt(string step) => SentAtByInstance(step).Values.ToList();

        /// <summary>The <see cref="Stopwatch"/> timestamp of each send of <paramref name="step"/>, by instance id (the key's first segment).</summary>
        public Dictionary<string, long> SentAtByInstance(string step) =>
            _keys.Where(kv => kv.Key.EndsWith("/" + step, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[..kv.Key.IndexOf('/', StringComparison.Ordinal)], kv => kv.Value, StringComparer.Ordinal);

        public async Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            _keys.TryAdd(message.IdempotencyKey, Stopwatch.GetTimestamp());
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, cancellationToken).ConfigureAwait(false);
            }

            return new Delivered(null);
        }
    }
}
