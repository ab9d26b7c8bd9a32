using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>The host's one <see cref="RecentRows"/>: the rows ingest commits are there for the send ledger and the recorder to start from.</summary>
public sealed class RecentRowsWiringTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PostPurchase_StartsAJourney_TheInstanceRowIngestCommittedIsInTheHostsRecentRows()
    {
        // Arrange: no orchestration runs, so only ingest writes the customer's rows.
        await using var host = await TestHost.StartAsync(output, TestHost.Memory(),
            configureBuilder: b => b.Services.Replace(ServiceDescriptor.Singleton<IJourneyInstances>(new NoInstances())));
        await host.PublishAsync(TestDocuments.OneShotJourney, TestDocuments.ThanksMessage);
        var engine = host.Services.GetRequiredService<JourneyEngine>();

        // Act
        await host.PostEventsAsync($$"""[{ "type": "purchase", "customerId": "c1", "occurredAt": "{{TestHost.Now()}}", "properties": { "orderId": "o1" } }]""");
        await TestHost.WaitUntilAsync(() => engine.Metrics.EventsApplied >= 1, TimeSpan.FromSeconds(30), "the purchase applied");

        // Assert: the instance row as stored, ETag included, is the one the ledger and the recorder of this host will find.
        var table = host.Services.GetRequiredService<IOptions<EngineOptions>>().Value.CustomersTable;
        var rows = await host.Services.GetRequiredService<IRowStore>().QueryAsync(table, "c1", Codec.InstancePrefix, Codec.InstancePrefix + "\uffff");
        var instanceRow = Assert.Single(rows);
        var remembered = host.Services.GetRequiredService<RecentRows>().Find(table, "c1", instanceRow.RowKey);
        Assert.NotNull(remembered);
        Assert.Equal(instanceRow.ETag, remembered.ETag);
    }
}
