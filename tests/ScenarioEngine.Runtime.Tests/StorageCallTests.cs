using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Simulation;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>The hot path's storage calls, counted: each one is a request to Azure Storage and a share of the account's ceiling.</summary>
public sealed class StorageCallTests
{
    [Fact]
    public async Task Dispatch_OneMessage_ReceiveReadClaimFinishDelete()
    {
        var (journey, message) = PipelineTests.Load();
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero));
        var faults = new FaultInjector();
        var catalog = new Catalog();
        catalog.Load([journey with { Version = 1 }], [], [message]);
        var engine = new JourneyEngine(new InMemoryRowStore(faults), new InMemoryQueueFactory(clock, faults), catalog,
            [new RecordingChannel(Medium.Email)], new VerbatimRenderer(), clock, new EngineOptions { EventQueueCount = 1, PartitionCacheSize = 0 });
        await engine.InitializeAsync();
        await engine.IngestAsync([
            PipelineTests.Event("i1", "identify", "c1", clock.GetUtcNow(), ("consent.email", Value.From(true))),
            PipelineTests.Event("p1", "purchase", "c1", clock.GetUtcNow(), ("amount", Value.From(6000)))]);
        await engine.PumpEventsAsync(0);

        var before = faults.Calls;
        await engine.PumpDispatchAsync();

        // Without the partition cache (PartitionCacheTests covers it): receive, one partition read, the claim batch, the finishing batch (with the claim's ETags, no second read), delete.
        Assert.Equal(1, engine.Metrics.Sent);
        Assert.Equal(5, faults.Calls - before);
    }
}
