using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Simulation;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Benchmarks;

/// <summary>Counts storage calls per event on the hot path (in-memory provider; the Azure provider makes the same calls).</summary>
internal static class StorageCallCount
{
    public static async Task RunAsync(TextWriter output)
    {
        var messages = Samples.Messages();
        var journey = Samples.Journey("post-purchase-cross-sell", messages);
        var modes = new (string Name, EngineOptions Options)[]
        {
            ("queued dispatch, no partition cache", new EngineOptions { EventQueueCount = 1, PartitionCacheSize = 0 }),
            ("queued dispatch, partition cache (Azure Functions)", new EngineOptions { EventQueueCount = 1 }),
            ("dispatch handed over in process, partition cache (standalone host)", new EngineOptions { EventQueueCount = 1, LocalDispatchLimit = 1_000 }),
        };
        foreach (var (mode, options) in modes)
        foreach (var customers in new[] { 1, 1000 })
        {
            var clock = new ManualClock(new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero));
            var faults = new FaultInjector();
            var store = new InMemoryRowStore(faults);
            var queues = new InMemoryQueueFactory(clock, faults);
            var catalog = new Catalog();
            catalog.Load([journey], [], messages.Values);
            var engine = new JourneyEngine(store, queues, catalog, [new RecordingChannel(Medium.Email)], new VerbatimRenderer(), clock, options);
            await engine.InitializeAsync().ConfigureAwait(false);

            var identify = Enumerable.Range(0, customers).Select(i => new CustomerEvent($"i{i}", "identify", $"c{i}", clock.GetUtcNow(),
                new Dictionary<string, Value> { ["consent.email"] = Value.From(true) })).ToList();
            await engine.IngestAsync(identify).ConfigureAwait(false);
            while (await engine.PumpAllAsync().ConfigureAwait(false) > 0)
            {
            }

            var before = faults.Calls;
            var purchases = Enumerable.Range(0, customers).Select(i => new CustomerEvent($"p{i}", "purchase", $"c{i}", clock.GetUtcNow(),
                new Dictionary<string, Value> { ["amount"] = Value.From(6800) })).ToList();
            await engine.IngestAsync(purchases).ConfigureAwait(false);
            var ingest = faults.Calls - before;
            while (await engine.PumpAllAsync().ConfigureAwait(false) > 0)
            {
            }

            var total = faults.Calls - before;
            output.WriteLine($"{mode}: {customers} purchase(s), each entering the journey and sending one email (+ one timer queued):");
            output.WriteLine($"  storage calls: {total} in all, {(double)total / customers:F2} per event (ingest {(double)ingest / customers:F2}); messages sent {engine.Metrics.Sent}");
        }
    }
}
