using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Storage.Azure;

namespace ScenarioEngine.Benchmarks;

/// <summary>
/// A load driver for the engine's ingest: queues identify and purchase events for many customers, runs competing workers until every
/// event is applied to its customer's partition (the purchases asking for journey starts, counted and not run: see
/// <see cref="JourneyThroughput"/> for journeys end to end), and reports events per second, storage calls per event, allocation and
/// working set, then one counts job and one daily analytics run. On Azurite it first measures Azurite's own raw single-entity insert
/// rate in the same run.
/// </summary>
internal static class Throughput
{
    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var target = args.ElementAtOrDefault(1) ?? "memory";
        var events = int.Parse(args.ElementAtOrDefault(2) ?? (target == "memory" ? "200000" : "5000"), System.Globalization.CultureInfo.InvariantCulture);
        var workers = int.Parse(args.ElementAtOrDefault(3) ?? "4", System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {Environment.OSVersion}, .NET {Environment.Version}");
        if (target == "memory")
        {
            // Optionally a warm-up first, through its own store and engine, not reported: a long-running host runs fully optimised code,
            // while a cold run spends its first seconds in the JIT's quick and instrumented tiers.
            var warmup = int.Parse(args.ElementAtOrDefault(4) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            if (warmup > 0)
            {
                var warmFaults = new FaultInjector();
                await RunEngineAsync(new InMemoryRowStore(warmFaults), new InMemoryQueueFactory(TimeProvider.System, warmFaults), () => warmFaults.Calls, warmup, workers,
                    TextWriter.Null, analytics: false).ConfigureAwait(false);
                output.WriteLine($"after a warm-up of {warmup} events through another store (not reported):");
            }

            var faults = new FaultInjector();
            var clock = TimeProvider.System;
            await RunEngineAsync(new InMemoryRowStore(faults), new InMemoryQueueFactory(clock, faults), () => faults.Calls, events, workers, output).ConfigureAwait(false);
            return;
        }

        await using var azurite = await AzuriteProcess.StartAsync().ConfigureAwait(false);
        if (target == "azurite-ops")
        {
            await OperationLatencyAsync(azurite.ConnectionString, output).ConfigureAwait(false);
            return;
        }

        var clients = StorageClients.FromConnectionString(azurite.ConnectionString);
        await RawInsertRateAsync(clients.Tables, workers * 4, TimeSpan.FromSeconds(10), output).ConfigureAwait(false);
        clients.Counter.Reset();
        var times = new OperationTimes();
        var store = new TimedRowStore(clients.CreateRowStore(), times);
        var queues = new TimedQueueFactory(clients.CreateQueueFactory(), times);
        await RunEngineAsync(store, queues, () => clients.Counter.Total, events, workers, output).ConfigureAwait(false);
        output.WriteLine("  storage requests by operation: " + clients.Counter);
        output.WriteLine("  time per storage operation: " + times);
    }

    /// <summary>
    /// Mean latency of each storage operation the hot path uses, one request at a time, as the table fills (0, 20,000 and 60,000 other
    /// rows) and then with 10,000 hidden messages waiting in another queue (as timers wait for a journey's later steps).
    /// </summary>
    private static async Task OperationLatencyAsync(string connectionString, TextWriter output)
    {
        var clients = StorageClients.FromConnectionString(connectionString);
        var store = clients.CreateRowStore();
        var queues = clients.CreateQueueFactory();
        var queue = queues.Get("ops" + Guid.NewGuid().ToString("N")[..8]);
        await queue.CreateAsync().ConfigureAwait(false);
        var timers = queues.Get(queue.Name + "timers");
        await timers.CreateAsync().ConfigureAwait(false);
        var table = "ops" + Guid.NewGuid().ToString("N")[..8];
        await store.CreateTableAsync(table).ConfigureAwait(false);
        var (filled, hidden, round) = (0, 0, 0);
        foreach (var (rows, waiting) in new[] { (0, 0), (20_000, 0), (60_000, 0), (60_000, 10_000) })
        {
            await Parallel.ForEachAsync(Enumerable.Range(filled / 4, (rows - filled) / 4), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                await store.CommitAsync(table, Enumerable.Range(0, 4).Select(k => new RowWrite(WriteKind.Insert, new StoredRow($"fill{i}", $"r{k}", "{}"))).ToList(), ct).ConfigureAwait(false)).ConfigureAwait(false);
            await Parallel.ForEachAsync(Enumerable.Range(hidden, waiting - hidden), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                await timers.SendAsync("{}", TimeSpan.FromDays(6), ct).ConfigureAwait(false)).ConfigureAwait(false);
            (filled, hidden) = (rows, waiting);
            var prefix = "r" + round++;

            async Task<double> TimeAsync(Func<int, Task> op)
            {
                var sw = Stopwatch.StartNew();
                for (var i = 0; i < 200; i++)
                {
                    await op(i).ConfigureAwait(false);
                }

                return sw.Elapsed.TotalMilliseconds / 200;
            }

            var batch = await TimeAsync(i => store.CommitAsync(table, [new RowWrite(WriteKind.Insert, new StoredRow($"{prefix}c{i}", "a|profile", "{\"x\":1}")),
                new RowWrite(WriteKind.Insert, new StoredRow($"{prefix}c{i}", "i|j:1", "{}")), new RowWrite(WriteKind.Insert, new StoredRow($"{prefix}c{i}", "x|e1", "{}"))]));
            var single = await TimeAsync(i => store.CommitAsync(table, [new RowWrite(WriteKind.Insert, new StoredRow($"{prefix}s{i}", "a|profile", "{}"))]));
            var get = await TimeAsync(i => store.GetAsync(table, $"{prefix}c{i}", "a|profile"));
            var query = await TimeAsync(i => store.QueryAsync(table, $"{prefix}c{i}", "a", "p"));
            var send = await TimeAsync(i => queue.SendAsync("{}"));
            var receive = await TimeAsync(async i =>
            {
                foreach (var item in await queue.ReceiveAsync(1, TimeSpan.FromMinutes(1)).ConfigureAwait(false))
                {
                    await queue.DeleteAsync(item).ConfigureAwait(false);
                }
            });
            var empty = await TimeAsync(i => queue.ReceiveAsync(32, TimeSpan.FromMinutes(1)));
            output.WriteLine($"table with {rows} other rows, {waiting} hidden messages in another queue: batch of 3 {batch:F1} ms, batch of 1 {single:F1} ms, " +
                             $"point read {get:F1} ms, partition range query {query:F1} ms; queue send {send:F1} ms, receive+delete {receive:F1} ms, " +
                             $"receive from an empty queue {empty:F1} ms");
        }
    }

    private static async Task RawInsertRateAsync(Azure.Data.Tables.TableServiceClient tables, int concurrency, TimeSpan duration, TextWriter output)
    {
        var table = tables.GetTableClient("raw" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateIfNotExistsAsync().ConfigureAwait(false);
        var stop = Stopwatch.StartNew();
        var count = 0L;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
        {
            var i = 0;
            while (stop.Elapsed < duration)
            {
                var entity = new Azure.Data.Tables.TableEntity($"p{w}-{i}", "r") { ["Data"] = "{\"x\":1}" };
                await table.AddEntityAsync(entity).ConfigureAwait(false);
                Interlocked.Increment(ref count);
                i++;
            }
        })).ConfigureAwait(false);
        output.WriteLine($"azurite raw single-entity inserts: {count / stop.Elapsed.TotalSeconds:F0}/s ({concurrency} concurrent writers, {stop.Elapsed.TotalSeconds:F1} s)");
    }

    private static async Task RunEngineAsync(IRowStore store, IQueueFactory queues, Func<long> storageCalls, int eventCount, int workers, TextWriter output,
        bool analytics = true)
    {
        var messages = Samples.Messages();
        var catalog = new Catalog();
        catalog.Load([Samples.Journey("post-purchase-cross-sell", messages)], [], messages.Values);
        var instances = new CountingInstances();
        var options = new EngineOptions { QueuePrefix = "lt" + Guid.NewGuid().ToString("N")[..6], CustomersTable = "lt" + Guid.NewGuid().ToString("N")[..8], EventQueueCount = 4 };
        var engine = new JourneyEngine(store, queues, catalog, instances, TimeProvider.System, options);
        await engine.InitializeAsync().ConfigureAwait(false);

        // Half the events are identify (consent), half purchases over 5,000 yen that enter the journey (one start each, or none when
        // held out).
        var customers = eventCount / 2;
        var now = DateTimeOffset.UtcNow;
        var all = new List<CustomerEvent>(eventCount);
        for (var i = 0; i < customers; i++)
        {
            all.Add(new CustomerEvent($"i{i}", "identify", $"c{i}", now, new Dictionary<string, Value> { ["consent.email"] = Value.From(true) }));
            all.Add(new CustomerEvent($"p{i}", "purchase", $"c{i}", now.AddSeconds(1), new Dictionary<string, Value> { ["amount"] = Value.From(6800) }));
        }

        GC.Collect();
        var pauseBefore = GC.GetTotalPauseDuration();
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var callsBefore = storageCalls();
        var clock = Stopwatch.StartNew();
        using var done = new CancellationTokenSource();
        var ingest = Task.Run(async () =>
        {
            foreach (var chunk in all.Chunk(1000))
            {
                await engine.IngestAsync(chunk).ConfigureAwait(false);
            }
        });
        var pumps = StartWorkers(engine, workers, done.Token);
        await ingest.ConfigureAwait(false);
        var accepted = clock.Elapsed;
        while (engine.Metrics.EventsApplied < eventCount)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }

        var elapsed = clock.Elapsed;
        done.Cancel();
        await Task.WhenAll(pumps).ConfigureAwait(false);
        var calls = storageCalls() - callsBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        output.WriteLine($"{(store is InMemoryRowStore ? "in memory" : "Azurite")}: {eventCount} events ({customers} customers), {workers} workers: accepted in {accepted.TotalSeconds:F2} s, " +
                         $"applied in {elapsed.TotalSeconds:F2} s = {eventCount / elapsed.TotalSeconds:F0} events/s");
        output.WriteLine($"  events applied {engine.Metrics.EventsApplied}, conflicts {engine.Metrics.Conflicts}; journey starts {instances.Starts} (distinct {instances.DistinctStarts}), raises {instances.Raises}");
        output.WriteLine($"  storage calls {calls} = {(double)calls / eventCount:F2} per event (idle polling included); allocated {allocated / eventCount / 1024.0:F1} KiB per event; " +
                         $"working set {Process.GetCurrentProcess().WorkingSet64 / 1024 / 1024} MiB");
        output.WriteLine($"  CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:F1} s = {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / eventCount:F0} µs per event; " +
                         $"GC paused {(GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds:F2} s, collections gen0 {GC.CollectionCount(0) - gcBefore.Item1}, gen1 {GC.CollectionCount(1) - gcBefore.Item2}, gen2 {GC.CollectionCount(2) - gcBefore.Item3}");

        // What the memory holds: the heap after a full collection and the in-memory store's rows (kept by design).
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        var storeText = store is InMemoryRowStore memory ? memory.Dump(options.CustomersTable) : null;
        output.WriteLine($"  heap after a full collection {heap / 1024 / 1024} MiB" +
                         (storeText is null ? "" : $"; the store holds {storeText.Count} rows with {storeText.Sum(r => (long)System.Text.Encoding.UTF8.GetByteCount(r.Data)) / 1024 / 1024} MiB of row text (kept as UTF-8)") +
                         (storeText is null ? "" : " (" + string.Join(", ", storeText.GroupBy(r => r.RowKey[..2]).OrderBy(g => g.Key, StringComparer.Ordinal)
                             .Select(g => $"{g.Key} {g.Count()} rows of {g.Average(r => System.Text.Encoding.UTF8.GetByteCount(r.Data)):F0} B")) + ")"));

        if (!analytics)
        {
            return;
        }

        // One run of the counts job over every customer's instance rows.
        callsBefore = storageCalls();
        clock.Restart();
        var counted = await engine.RefreshCountsAsync().ConfigureAwait(false);
        output.WriteLine($"  one counts job run over {customers} customers: {clock.Elapsed.TotalSeconds:F2} s, {storageCalls() - callsBefore} storage calls, {counted} instance rows read");

        // The daily analytics job over the same customers: scan, fit, and the analytics.updated / segment.entered events it ingests,
        // until they are all applied.
        var appliedBefore = engine.Metrics.EventsApplied;
        callsBefore = storageCalls();
        clock.Restart();
        var run = await engine.RecomputeAnalyticsAsync(DateTimeOffset.UtcNow.AddDays(1)).ConfigureAwait(false);
        var scanned = clock.Elapsed;
        var produced = run.Updated + run.SegmentChanges + run.Refreshed;
        using var drain = new CancellationTokenSource();
        var drainers = StartWorkers(engine, workers, drain.Token);
        async Task<int> BacklogAsync()
        {
            var n = 0;
            foreach (var name in engine.AllQueueNames())
            {
                n += await queues.Get(name).CountAsync().ConfigureAwait(false);
            }

            return n;
        }

        while (engine.Metrics.EventsApplied - appliedBefore < produced || await BacklogAsync().ConfigureAwait(false) > 0)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }

        drain.Cancel();
        await Task.WhenAll(drainers).ConfigureAwait(false);
        var total = clock.Elapsed;
        var recomputeCalls = storageCalls() - callsBefore;
        output.WriteLine($"  daily analytics over {run.Customers} customers: scan and fit {scanned.TotalSeconds:F2} s, {produced} events applied, total {total.TotalSeconds:F2} s " +
                         $"= {total.TotalMilliseconds / run.Customers:F2} ms and {(double)recomputeCalls / run.Customers:F2} storage calls per customer " +
                         $"(one million customers at this rate: {total.TotalMilliseconds / run.Customers * 1_000_000 / 3_600_000:F1} h)");
    }

    /// <summary>Counts the starts and raises ingest asks for, and runs no orchestration: what is measured is ingest alone.</summary>
    private sealed class CountingInstances : IJourneyInstances
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _started = new(StringComparer.Ordinal);
        private long _starts, _raises;

        public long Starts => Interlocked.Read(ref _starts);

        public long Raises => Interlocked.Read(ref _raises);

        public int DistinctStarts => _started.Count;

        public Task StartAsync(JourneyStart start, CancellationToken cancellationToken = default)
        {
            _started.TryAdd(start.InstanceId, 0);
            Interlocked.Increment(ref _starts);
            return Task.CompletedTask;
        }

        public Task RaiseAsync(string instanceId, JourneyEventDelivery delivery, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _raises);
            return Task.CompletedTask;
        }

        public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    /// <summary>Competing workers pumping every queue until stopped, pausing briefly when idle.</summary>
    public static List<Task> StartWorkers(JourneyEngine engine, int workers, CancellationToken stop) =>
        Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await engine.PumpAllAsync().ConfigureAwait(false) == 0)
                {
                    await Task.Delay(5).ConfigureAwait(false);
                }
            }
        })).ToList();
}
