using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScenarioEngine.Api;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.AzureStorage;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Storage.Azure;

namespace ScenarioEngine.Benchmarks;

/// <summary>
/// A load driver for journeys end to end: identify and purchase events for many customers through the engine's ingest, each purchase
/// starting a send, 2 s wait, send journey on DurableTaskJourneyBackend (the in-memory orchestration service, or DurableTask.AzureStorage
/// on Azurite), whose activities claim and record the sends in the customers table (the hosts' own port wiring); reports journeys per
/// second from the first purchase posted to the last message sent, and storage requests per journey.
/// </summary>
internal static class JourneyThroughput
{
    private const string JourneyJson = """
    {
      "id": "send-wait-send", "name": "Thank-you, two seconds, cross-sell",
      "trigger": { "event": "purchase" },
      "start": "first",
      "steps": {
        "first": { "type": "send", "medium": "email", "message": "thank-you", "next": "pause" },
        "pause": { "type": "wait", "for": "PT2S", "next": "second" },
        "second": { "type": "send", "medium": "email", "message": "cross-sell", "next": "done" },
        "done": { "type": "exit" }
      }
    }
    """;

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var target = args.ElementAtOrDefault(1) ?? "memory";
        var journeys = int.Parse(args.ElementAtOrDefault(2) ?? "200", CultureInfo.InvariantCulture);
        var workers = int.Parse(args.ElementAtOrDefault(3) ?? "4", CultureInfo.InvariantCulture);
        output.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {Environment.OSVersion}, .NET {Environment.Version}");
        var options = new EngineOptions { QueuePrefix = "jt" + Guid.NewGuid().ToString("N")[..6], CustomersTable = "jt" + Guid.NewGuid().ToString("N")[..8], EventQueueCount = 4 };
        if (target == "memory")
        {
            var faults = new FaultInjector();
            var store = new InMemoryRowStore(faults);
            await using var services = Services(store, options, out var catalog, out var channel);
            await JourneyServices.InitializeAsync(services).ConfigureAwait(false);
            await using var backend = await DurableTaskJourneyBackend.StartInMemoryAsync(DurableTaskSet.Journeys(), services, services.GetRequiredService<ILoggerFactory>())
                .ConfigureAwait(false);
            var engine = new JourneyEngine(store, new InMemoryQueueFactory(TimeProvider.System, faults), catalog, backend, TimeProvider.System, options);
            await RunAsync("in-memory orchestration service, in-memory store", engine, channel, () => faults.Calls, journeys, workers, output).ConfigureAwait(false);
            return;
        }

        await using var azurite = await AzuriteProcess.StartAsync().ConfigureAwait(false);
        var clients = StorageClients.FromConnectionString(azurite.ConnectionString);
        var backendCalls = new StorageCallCounter();
        await using (var services = Services(clients.CreateRowStore(), options, out var catalog, out var channel))
        {
            await JourneyServices.InitializeAsync(services).ConfigureAwait(false);
            var backendOptions = new AzureStorageJourneyBackendOptions
            {
                ConnectionString = azurite.ConnectionString,
                TaskHubName = "bench" + Guid.NewGuid().ToString("N")[..8],
                ConfigureClientOptions = backendCalls.AddTo,
            };
            await using var backend = await DurableTaskJourneyBackend.StartOnAzureStorageAsync(backendOptions, DurableTaskSet.Journeys(), services,
                services.GetRequiredService<ILoggerFactory>()).ConfigureAwait(false);
            var engine = new JourneyEngine(clients.CreateRowStore(), clients.CreateQueueFactory(), catalog, backend, TimeProvider.System, options);
            IReadOnlyDictionary<string, long> engineBefore = new Dictionary<string, long>(), backendBefore = engineBefore;
            await RunAsync("DurableTask.AzureStorage on Azurite, Table store", engine, channel, () => clients.Counter.Total + backendCalls.Total, journeys, workers, output,
                () => (engineBefore, backendBefore) = (clients.Counter.Snapshot(), backendCalls.Snapshot())).ConfigureAwait(false);
            output.WriteLine($"  engine and activities, per journey: {PerJourney(engineBefore, clients.Counter.Snapshot(), journeys)}");
            output.WriteLine($"  Durable Task backend, per journey (polling included): {PerJourney(backendBefore, backendCalls.Snapshot(), journeys)}");
        }
    }

    private static string PerJourney(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after, int journeys) =>
        string.Join(", ", after.Select(kv => (kv.Key, Count: kv.Value - before.GetValueOrDefault(kv.Key))).Where(x => x.Count > 0)
            .Select(x => $"{x.Key} {(double)x.Count / journeys:F1}"));

    /// <summary>The ports the journey tasks take, from the hosts' own wiring, over <paramref name="store"/>.</summary>
    private static ServiceProvider Services(IRowStore store, EngineOptions options, out Catalog catalog, out KeyChannel channel)
    {
        var messages = Samples.Messages();
        var parsed = JourneyParser.Parse(JourneyJson, messages);
        var journey = parsed.Value ?? throw new InvalidOperationException(string.Join("; ", parsed.Errors));
        catalog = new Catalog();
        catalog.Load([journey with { Version = 1 }], [], messages.Values);
        channel = new KeyChannel(Medium.Email);
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging(b => b.AddConsole().SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(Options.Create(options))
            .AddSingleton(store)
            .AddSingleton(catalog)
            .AddSingleton<IMessageRenderer>(new VerbatimRenderer())
            .AddSingleton(new ChannelSet([channel]))
            .AddSingleton(TimeProvider.System)
            .AddJourneyPorts()
            .BuildServiceProvider();
    }

    /// <summary>Applies the identify events, then measures from the purchases' post (<paramref name="measuring"/> is called there) to the last send.</summary>
    private static async Task RunAsync(string label, JourneyEngine engine, KeyChannel channel, Func<long> storageCalls, int journeys, int workers, TextWriter output,
        Action? measuring = null)
    {
        await engine.InitializeAsync().ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        using var stop = new CancellationTokenSource();
        var pumps = Throughput.StartWorkers(engine, workers, stop.Token);

        // Consent first (not measured), then one purchase per customer: each starts one journey that sends twice.
        await engine.IngestAsync(Enumerable.Range(0, journeys).Select(i => new CustomerEvent($"i{i}", "identify", $"c{i}", now,
            new Dictionary<string, Value> { ["consent.email"] = Value.From(true) })).ToList()).ConfigureAwait(false);
        while (engine.Metrics.EventsApplied < journeys)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }

        measuring?.Invoke();
        var callsBefore = storageCalls();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await engine.IngestAsync(Enumerable.Range(0, journeys).Select(i => new CustomerEvent($"p{i}", "purchase", $"c{i}", now.AddSeconds(1),
            new Dictionary<string, Value> { ["amount"] = Value.From(6800) })).ToList()).ConfigureAwait(false);
        var limit = TimeSpan.FromMinutes(10);
        while (channel.DistinctKeys < 2 * journeys)
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"{label}: {channel.DistinctKeys} of {2 * journeys} messages sent after {limit}");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        var elapsed = clock.Elapsed;
        var calls = storageCalls() - callsBefore;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(pumps).ConfigureAwait(false);
        output.WriteLine($"{label}: {journeys} journeys (send, 2 s wait, send), {workers} event workers: all {2 * journeys} messages sent {elapsed.TotalSeconds:F2} s " +
                         $"after the first purchase was posted = {journeys / elapsed.TotalSeconds:F1} journeys/s");
        output.WriteLine($"  sends {channel.Calls} (distinct keys {channel.DistinctKeys}); starts {engine.Metrics.Started}; storage requests {calls} = {(double)calls / journeys:F1} per journey " +
                         $"(idle polling included); CPU {cpu.TotalSeconds:F1} s");
    }

    /// <summary>
    /// A channel that keeps only each message's idempotency key (to count distinct sends), as a provider's client keeps nothing: the
    /// recording channel keeps every message with its profile, which would measure the collector holding them, not the engine.
    /// </summary>
    private sealed class KeyChannel(string medium) : IChannel
    {
        private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);
        private long _calls;

        public string Medium { get; } = medium;

        public int DistinctKeys => _keys.Count;

        public long Calls => Interlocked.Read(ref _calls);

        public Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            _keys.TryAdd(message.IdempotencyKey, 0);
            return Task.FromResult<DeliveryResult>(new Delivered(null));
        }
    }
}
