using System.Diagnostics;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ScenarioEngine.Host.Tests;
using ScenarioEngine.Journeys.AzureStorage;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Storage.Azure;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Reliability.Tests;

/// <summary>
/// The host in process on Azurite with a <see cref="StorageFaultPolicy"/> in the pipeline of its storage clients: for each N of a
/// fixed sweep, one customer's identify and purchase run the send, wait, send journey while the N-th request from arming fails,
/// before or after it reaches Azurite. Each time: no event lost, no message twice, no journey stuck.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageFaultSweepTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    // Every one of the first requests (the API's enqueue, the ingest's reads, its commit, the queue delete), then every third.
    // Every request of the scenario but its last two (one customer's count varies by a request or two with timing: a poll that finds
    // the events message or not, a row remembered or read); the task hub's scenario is longer: its first 8, then every third up to 28.
    private static int[] Sweep(long requests) => requests <= 40
        ? [.. Enumerable.Range(1, (int)requests - 2)]
        : [.. Enumerable.Range(1, 8), .. Enumerable.Range(0, 7).Select(i => 10 + (3 * i))];

    /// <summary>
    /// The engine's own calls (its customers table and events queues: the ingest, the journey rows, the send ledger), with no SDK retry
    /// to hide the fault: the API, the events pump and the activities see it.
    /// </summary>
    [Theory]
    [InlineData(FaultPoint.BeforeSend)]
    [InlineData(FaultPoint.AfterSend)]
    public async Task SendWaitSend_EngineRequestNFails_NoEventLostNoMessageTwiceNoJourneyStuck(FaultPoint point)
    {
        var settings = HostProcess.Settings(azurite.ConnectionString);
        var prefix = settings["Engine:QueuePrefix"]!;
        var customersTable = settings["Engine:CustomersTable"]!;

        // Idle polls of the events queues are left out, so the N-th request is the scenario's own, not a poll's.
        var faults = new StorageFaultPolicy(m =>
        {
            var path = m.Request.Uri.Path;
            var isPoll = m.Request.Method == RequestMethod.Get && path.EndsWith("/messages", StringComparison.Ordinal);
            // A table transaction goes to /$batch, whatever its table: the ingest's commit, the claim, the outcome, the record.
            var isBatch = path.EndsWith("/$batch", StringComparison.Ordinal);
            return !isPoll && (isBatch || path.Contains(customersTable, StringComparison.Ordinal) || path.Contains(prefix + "-events-", StringComparison.Ordinal));
        });
        var clients = StorageClients.FromConnectionString(azurite.ConnectionString, configure: o =>
        {
            o.Retry.MaxRetries = 0;
            o.AddPolicy(faults, HttpPipelinePosition.PerRetry);
        });

        await RunSweepAsync(settings, faults, point, builder =>
        {
            builder.Services.Replace(ServiceDescriptor.Singleton<IRowStore>(clients.CreateRowStore()));
            builder.Services.Replace(ServiceDescriptor.Singleton<IQueueFactory>(clients.CreateQueueFactory()));
        });
    }

    /// <summary>
    /// The Durable Task backend's calls (its control and work-item queues, history and instances tables; leases and polls left out),
    /// with the SDK's retries as the product runs them: a response lost after Azurite applied the request, and the retry.
    /// </summary>
    [Fact]
    public async Task SendWaitSend_TaskHubResponseNLost_NoEventLostNoMessageTwiceNoJourneyStuck()
    {
        var settings = HostProcess.Settings(azurite.ConnectionString);
        var faults = new StorageFaultPolicy(m =>
        {
            var isPoll = m.Request.Method == RequestMethod.Get && m.Request.Uri.Path.EndsWith("/messages", StringComparison.Ordinal);
            return !isPoll && m.Request.Uri.Port != azurite.BlobEndpoint.Port;
        });

        await RunSweepAsync(settings, faults, FaultPoint.AfterSend, builder =>
            builder.Services.Configure<AzureStorageJourneyBackendOptions>(o => o.ConfigureClientOptions = c =>
            {
                c.Retry.Delay = TimeSpan.FromMilliseconds(50);
                c.AddPolicy(faults, HttpPipelinePosition.PerRetry);
            }));
    }

    private async Task RunSweepAsync(Dictionary<string, string?> settings, StorageFaultPolicy faults, FaultPoint point, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> configure)
    {
        var watch = Stopwatch.StartNew();
        await using var host = await TestHost.StartAsync(output, settings, configureBuilder: configure);
        await SendWaitSend.PublishAsync(host.Admin, "PT1S");

        // A run with no fault first: how many matching requests one customer's scenario makes.
        var before = faults.Seen;
        await RunCustomerAsync(host, "w0");
        var requests = faults.Seen - before;
        output.WriteLine($"one customer's scenario: {requests} matching requests");
        var sweep = Sweep(requests);
        Assert.True(sweep.Length >= 10, $"the scenario made {requests} matching requests: too few to sweep");

        foreach (var n in sweep)
        {
            var customer = $"f{n}";
            var injected = faults.Injected;
            faults.FailRequest(n, point);
            await RunCustomerAsync(host, customer);
            Assert.True(faults.Injected == injected + 1, $"the fault at request {n} ({point}) was never injected: the scenario made fewer matching requests");
            output.WriteLine($"N = {n}: {faults.Faults[^1]}");
        }

        output.WriteLine($"{sweep.Length} faults {point} at N = {string.Join(", ", sweep)}: {watch.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task RunCustomerAsync(TestHost host, string customer)
    {
        var batch = SendWaitSend.EventBatches([customer]).Single();

        // The client's retry of a failed POST sends the same events again, as a shop's would: their ids make it a duplicate.
        await SendWaitSend.PostAsync(host.Events, batch, Patience);

        // The journey takes over a second (its wait): reading before then would only spend the sweep's N on the test's own reads.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var messages = await SendWaitSend.WaitForAllAsync(host.Admin, [customer], Patience, TimeSpan.FromSeconds(2));
        Assert.True(SendWaitSend.ExactlyOnce(messages[customer]), $"{customer}: {SendWaitSend.Describe(messages[customer])}");

        var view = await SendWaitSend.GetAsync(host.Admin, $"/api/customers/{customer}");
        var journeys = view!["journeys"]!.AsArray();
        var instance = Assert.Single(journeys);
        Assert.Equal("exited", instance!["status"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal(1, view["computed"]!["orders.count"]!.GetValue<double>());
    }
}
