using BenchmarkDotNet.Running;
using ScenarioEngine.Benchmarks;

// `-- counts` prints store calls per event (a count, not a timing); `-- throughput memory|azurite|azurite-ops` drives ingest,
// `-- journeys memory|azurite` journeys end to end on the Durable Task backend;
// `-- preview` the publish forecast's cost; anything else goes to BenchmarkDotNet.
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

BenchmarkSwitcher.FromAssembly(typeof(StepBenchmarks).Assembly).Run(args);
