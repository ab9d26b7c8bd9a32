using System.Diagnostics;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Reliability.Tests;

/// <summary>The standalone host process on Azurite, killed with SIGKILL while customers run their journeys, and restarted.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class HostKillTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Customers = 300;
    private const int Kills = 3;
    private static readonly TimeSpan KillEvery = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task SendWaitSend_HostKilledThreeTimesAndEveryEventPostedTwice_EachCustomerGetsEachMessageExactlyOnce()
    {
        var watch = Stopwatch.StartNew();
        var settings = HostProcess.Settings(azurite.ConnectionString);
        var customers = SendWaitSend.Customers("k", Customers);
        var batches = SendWaitSend.EventBatches(customers);
        var host = await HostProcess.StartAsync(settings, "1", output);
        try
        {
            await SendWaitSend.PublishAsync(host.Admin, "PT3S");
            foreach (var batch in batches)
            {
                await SendWaitSend.PostAsync(host.Events, batch, Patience);
            }

            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {batches.Count} batches posted once ({2 * Customers} events)");
            for (var kill = 1; kill <= Kills; kill++)
            {
                await Task.Delay(KillEvery);
                await host.KillAsync(output);
                await host.DisposeAsync();
                host = await HostProcess.StartAsync(settings, (kill + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), output);
                if (kill == 1)
                {
                    // Every event a second time, to the restarted host: each is found applied by its marker (or applied now, if the
                    // first copy was still in the queue), and starts no second instance.
                    foreach (var batch in batches)
                    {
                        await SendWaitSend.PostAsync(host.Events, batch, Patience);
                    }

                    output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {batches.Count} batches posted again");
                }
            }

            var current = host;
            var messages = await SendWaitSend.WaitForAllAsync(host.Admin, customers, Patience, TimeSpan.FromSeconds(4), () => current.Tail());

            var others = messages.Values.SelectMany(m => m!).Where(m => m.Outcome != "sent").GroupBy(m => m.Outcome).Select(g => $"{g.Key} {g.Count()}");
            var sent = SendWaitSend.AssertExactlyOnce(customers, messages);
            output.WriteLine($"{Customers} customers, {Kills} kills: {sent} messages sent, each exactly once, all done {watch.Elapsed.TotalSeconds:F1} s after the first start; " +
                $"other outcomes: {string.Join(", ", others)}");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
