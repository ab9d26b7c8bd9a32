using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Storage.Simulation;
using ScenarioEngine.Runtime.Simulation;

namespace ScenarioEngine.Runtime.Tests;

public sealed class CatalogReloadTests
{
    [Fact]
    public async Task ApplyEvents_InstanceOnVersionNotLoadedHere_MessageRetriedAndAppliedAfterReload()
    {
        // Arrange: a customer waits in version 1; then this process's catalog loses the journey (as if another process published
        // a version this one has not loaded yet).
        var (journey, message) = PipelineTests.Load();
        var start = new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero);
        var sim = new Simulator([journey], [message], start: start);
        await sim.RunAsync([
            PipelineTests.Event("i1", "identify", "c1", start, ("consent.email", Value.From(true))),
            PipelineTests.Event("p1", "purchase", "c1", start.AddMinutes(1), ("amount", Value.From(6000)))], TimeSpan.FromHours(1));
        var loaded = sim.Engine.Catalog.Find(journey.Id, 1)!;
        sim.Engine.Catalog.Load([], [], [message]);

        // Act: a second purchase arrives (the goal event) while the version is missing.
        await sim.Engine.IngestAsync([PipelineTests.Event("p2", "purchase", "c1", sim.Clock.GetUtcNow(), ("amount", Value.From(100)))]);
        await sim.Engine.PumpAllAsync();
        var failuresWhileMissing = sim.Engine.Metrics.HandlerFailures;
        var appliedWhileMissing = sim.Engine.Metrics.EventsApplied;

        sim.Engine.Catalog.Load([loaded], [], [message]);
        sim.Clock.Advance(sim.Engine.Options.VisibilityTimeout + TimeSpan.FromSeconds(1));
        while (await sim.Engine.PumpAllAsync() > 0)
        {
        }

        // Assert: nothing was lost: the event waited for the reload, then converted the customer.
        Assert.Equal(1, failuresWhileMissing);
        Assert.Equal(appliedWhileMissing + 1, sim.Engine.Metrics.EventsApplied);
        Assert.Equal(1, (await sim.Engine.GetStatsAsync(journey.Id)).Converted);
    }
}
