using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Storage.Simulation;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Simulation;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Benchmarks;

/// <summary>
/// Counts the calls to the customers' store per purchase (in-memory provider; the Azure provider makes the same calls): the engine's
/// ingest, then the apply with its journey start and the orchestration's first steps up to its first wait (send and record activities
/// on the same store), run in virtual time. Counted twice: as a host makes them (the rows ingest, ledger and recorder last read or
/// committed remembered, <see cref="RecentRows"/>), and as the simulation makes them (nothing remembered). The Durable Task backend's
/// own requests are not in it: see <see cref="JourneyThroughput"/>.
/// </summary>
internal static class StorageCallCount
{
    public static async Task RunAsync(TextWriter output)
    {
        var messages = Samples.Messages();
        var journey = Samples.Journey("post-purchase-cross-sell", messages);
        foreach (var (customers, remembered) in new[] { (1, true), (1000, true), (1, false), (1000, false) })
        {
            var clock = new ManualClock(new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero));
            var faults = new FaultInjector();
            var store = new InMemoryRowStore(faults);
            var queues = new InMemoryQueueFactory(clock, faults);
            var catalog = new Catalog();
            catalog.Load([journey], [], messages.Values);
            var channel = new RecordingChannel(Medium.Email);
            var host = new VirtualJourneyHost(store, queues, catalog, [channel], new VerbatimRenderer(), clock, new EngineOptions { EventQueueCount = 1 },
                recentRows: remembered ? new RecentRows() : null);
            await host.Engine.InitializeAsync().ConfigureAwait(false);

            var identify = Enumerable.Range(0, customers).Select(i => new CustomerEvent($"i{i}", "identify", $"c{i}", clock.GetUtcNow(),
                new Dictionary<string, Value> { ["consent.email"] = Value.From(true) })).ToList();
            await host.Engine.IngestAsync(identify).ConfigureAwait(false);
            await host.DrainAsync().ConfigureAwait(false);

            var before = faults.Calls;
            var purchases = Enumerable.Range(0, customers).Select(i => new CustomerEvent($"p{i}", "purchase", $"c{i}", clock.GetUtcNow(),
                new Dictionary<string, Value> { ["amount"] = Value.From(6800) })).ToList();
            await host.Engine.IngestAsync(purchases).ConfigureAwait(false);
            var ingest = faults.Calls - before;
            var beforeApply = faults.Calls;
            while (await host.Engine.PumpAllAsync().ConfigureAwait(false) > 0)
            {
            }

            var apply = faults.Calls - beforeApply;
            var total = faults.Calls - before;
            output.WriteLine($"{customers} purchase(s), each entering the cross-sell journey (or held out) and sending its thank-you up to the 3-day wait, " +
                             (remembered ? "rows remembered as in a host:" : "nothing remembered as in the simulation:"));
            output.WriteLine($"  store calls: {total} in all, {(double)total / customers:F2} per event: ingest {(double)ingest / customers:F2}, " +
                             $"apply with start and the first steps' activities {(double)apply / customers:F2}; " +
                             $"journeys started {host.Engine.Metrics.Started}, messages sent {channel.Sent.Count}");
        }
    }
}
