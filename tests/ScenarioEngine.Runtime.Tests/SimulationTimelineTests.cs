using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Storage.Simulation;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>A simulation writes no time line (nothing reads a simulated customer's), and counts its steps as the engine that does.</summary>
public sealed class SimulationTimelineTests
{
    private static CustomerEvent[] Events(DateTimeOffset at) =>
    [
        PipelineTests.Event("i1", "identify", "c1", at, ("consent.email", Value.From(true)), ("email", Value.From("a@example.com"))),
        PipelineTests.Event("p1", "purchase", "c1", at, ("amount", Value.From(6000))),
    ];

    [Fact]
    public async Task Simulate_SendWaitAndTimeout_KeepsNoTimelineAndCountsAsTheEngineThatKeepsOne()
    {
        var (journey, message) = PipelineTests.Load();
        var at = EngineHarness.T0;
        var until = at.AddDays(30);

        var sim = new Simulator([journey], [message], start: at);
        var report = await sim.RunAsync(Events(at), until - at);

        var engine = new EngineHarness([journey], [message]);
        await engine.InitializeAsync();
        await engine.IngestAsync(Events(at));
        await engine.RunUntilAsync(until);
        var stats = await engine.Engine.GetStatsAsync(journey.Id);

        Assert.Equal(2, report.Sends.Count);
        Assert.NotEmpty(await engine.TimelineAsync("c1"));
        Assert.DoesNotContain(sim.Store.Dump("customers"), row => row.RowKey.StartsWith(Codec.TimelinePrefix, StringComparison.Ordinal));
        Assert.Empty(await sim.Engine.GetTimelineAsync("c1"));
        // The counters the recorder keeps beside the time-line entries (entered, exits) are all still counted.
        Assert.Equal(stats.Counts.OrderBy(c => c.Key, StringComparer.Ordinal), report.Stats[journey.Id].Counts.OrderBy(c => c.Key, StringComparer.Ordinal));
        Assert.Contains(report.Stats[journey.Id].Counts, c => c.Key.StartsWith("(exit)", StringComparison.Ordinal));
    }
}
