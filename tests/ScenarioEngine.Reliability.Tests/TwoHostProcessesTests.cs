using System.Diagnostics;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Reliability.Tests;

/// <summary>Two standalone host processes on one Azurite: the same tables, events queues and task hub, competing for the work.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TwoHostProcessesTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Customers = 300;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task SendWaitSend_TwoHostsOneStorageAccountEveryEventToBoth_EachCustomerGetsEachMessageExactlyOnce()
    {
        var watch = Stopwatch.StartNew();
        var settings = HostProcess.Settings(azurite.ConnectionString);
        var customers = SendWaitSend.Customers("h", Customers);
        var batches = SendWaitSend.EventBatches(customers);
        await using var a = await HostProcess.StartAsync(settings, "A", output);
        await using var b = await HostProcess.StartAsync(settings, "B", output);
        await SendWaitSend.PublishAsync(a.Admin, "PT2S");
        Assert.True((await b.Admin.PostAsync("/api/system/catalog/reload", null)).IsSuccessStatusCode);

        // Every batch to both hosts at once: the two copies race through both hosts' ingest, starts and orchestrations.
        await Task.WhenAll(batches.SelectMany(batch => new[] { SendWaitSend.PostAsync(a.Events, batch, Patience), SendWaitSend.PostAsync(b.Events, batch, Patience) }));
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {batches.Count} batches posted to both hosts ({4 * Customers} events)");

        var messages = await SendWaitSend.WaitForAllAsync(a.Admin, customers, Patience, TimeSpan.FromSeconds(3), () => "A:\n" + a.Tail() + "\nB:\n" + b.Tail());

        var sent = SendWaitSend.AssertExactlyOnce(customers, messages);
        output.WriteLine($"{Customers} customers on two hosts: {sent} messages sent, each exactly once, all done {watch.Elapsed.TotalSeconds:F1} s after the first start");
    }
}
