using BenchmarkDotNet.Running;
using ScenarioEngine.Benchmarks;

// `-- counts` prints storage calls per event (a count, not a timing); anything else goes to BenchmarkDotNet.
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

BenchmarkSwitcher.FromAssembly(typeof(StepBenchmarks).Assembly).Run(args);
