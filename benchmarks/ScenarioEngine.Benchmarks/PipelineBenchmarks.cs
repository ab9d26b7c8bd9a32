using BenchmarkDotNet.Attributes;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Storage.Simulation;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Benchmarks;

/// <summary>
/// The engine and the journey orchestrations in virtual time on the in-memory provider (<see cref="Simulator"/>): the CDNOW master
/// file through the cross-sell sample.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class PipelineBenchmarks
{
    private List<CustomerEvent> _cdnow = [];

    /// <summary>Reads the 69,659 CDNOW purchases (dollars times 150 for yen) plus one consent event per customer.</summary>
    [GlobalSetup]
    public void Setup() => _cdnow = Cli.CliApp.ReadEvents(SharedData.Cdnow("CDNOW_master.txt"), consent: true, rate: 150).Events;

    /// <summary>The simulation's shards (<see cref="ShardedSimulation"/>): one per processor unless set.</summary>
    [Params(1, 2)]
    public int Shards { get; set; } = Environment.ProcessorCount;

    /// <summary>Replays 93,229 events (69,659 purchases, 23,570 identify) for 23,570 customers over 18 months plus 30 days.</summary>
    [Benchmark]
    public long SimulateCdnowMasterCrossSell()
    {
        var messages = Samples.Messages();
        var journey = Samples.Journey("post-purchase-cross-sell", messages);
        var start = _cdnow.Min(e => e.OccurredAt);
        var report = ShardedSimulation.RunAsync(() => new Simulator([journey], messages.Values, start: start), _cdnow, TimeSpan.FromDays(30), Shards)
            .GetAwaiter().GetResult();
        return report.Sent;
    }
}
