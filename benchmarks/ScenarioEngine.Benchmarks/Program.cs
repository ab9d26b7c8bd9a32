using BenchmarkDotNet.Running;
using ScenarioEngine.Benchmarks;

// `-- counts` prints store calls per event (a count, not a timing); `-- throughput memory|azurite|azurite-ops` drives ingest,
// `-- journeys azurite|memory [journeys] [events queues] [runs] [send latency ms]` journeys through the whole path, the journey orchestrator beside a naive
// orchestration, alternating;
// `-- preview` the publish forecast's cost; `-- simulate [runs] [shards,...]` times the CDNOW simulation run after run; anything else goes to BenchmarkDotNet.
if (args is ["counts", ..])
{
    await StorageCallCount.RunAsync(Console.Out).ConfigureAwait(false);
    return;
}

if (args is ["throughput", ..])
{
    await Throughput.RunAsync(args, Console.Out).ConfigureAwait(false);
    return;
}

if (args is ["preview", ..])
{
    await PreviewCost.RunAsync(args, Console.Out).ConfigureAwait(false);
    return;
}

if (args is ["journeys", ..])
{
    await JourneyThroughput.RunAsync(args, Console.Out).ConfigureAwait(false);
    return;
}

if (args is ["simulate", ..])
{
    // The CDNOW master file through the cross-sell sample (PipelineBenchmarks) timed run after run in one process, with the processor time (the honest figure on a shared machine) and the bytes allocated.
    var bench = new PipelineBenchmarks();
    bench.Setup();
    var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2;
    // Shard counts to alternate, run after run (`simulate 6 1,2`: whole, sharded in two, whole, ...); one per processor by default.
    var shards = args.Length > 2 ? args[2].Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [Environment.ProcessorCount];
    for (var i = 0; i < runs; i++)
    {
        bench.Shards = shards[i % shards.Length];
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var (gen0, gen1, gen2, paused) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var sent = bench.SimulateCdnowMasterCrossSell();
        Console.WriteLine($"run {i + 1} ({bench.Shards} shard(s)): {watch.Elapsed.TotalSeconds:F2} s, {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F2} s CPU, {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e9:F2} GB allocated, {sent} sent; "
            + $"GC: {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2} collections (gen 0/1/2), {(GC.GetTotalPauseDuration() - paused).TotalSeconds:F2} s paused");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(StepBenchmarks).Assembly).Run(args);
