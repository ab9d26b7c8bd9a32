using System.Text;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>
/// Every sample with its event stream, scaled to seconds (<see cref="ScaledSample"/>), through the simulator and through the real
/// orchestrators of the standalone host, in memory and on Azurite: the same customers get the same messages by the same media, in the
/// same order.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SimulatorParityTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    /// <summary>
    /// Seconds per sample day. The scale leaves at least about a second of real time between an event and a timer it races (the
    /// cart's purchase 2 h 50 min before its 4 h timeout; a cross-sell purchase 3.5 days, 2.1 s, from either wait: at 0.3 s a day, on
    /// a machine at a load of 10, a purchase once reached its instance after the timeout; welcome's purchase half a day before the
    /// coupon check); events that follow a send are posted only after the real run has sent it.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, double> SecondsPerDay = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["birthday-coupon"] = 0.5,
        ["cart-abandonment"] = 8,
        ["nps-survey"] = 0.5,
        ["post-purchase-cross-sell"] = 0.6,
        ["welcome-series"] = 2.5,
        ["win-back"] = 0.2,
    };

    [Fact]
    public void SecondsPerDay_EverySample_HasAScale()
    {
        Assert.Equal(ScaledSample.Names(), SecondsPerDay.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_EverySampleInMemoryAndOnAzurite_SendsWhatTheSimulatorSends()
    {
        // All twelve runs at once: about a minute on this 2-core machine, where one after another would take several.
        var runs = ScaledSample.Names().SelectMany(n => new[] { (Name: n, Storage: "memory"), (Name: n, Storage: azurite.ConnectionString) })
            .Select(async r =>
            {
                var where = r.Storage == "memory" ? "memory" : "Azurite";
                var sample = ScaledSample.Load(r.Name, SecondsPerDay[r.Name]);
                try
                {
                    var (simulated, real) = await SimulatorParityRun.RunAsync(sample, r.Storage, new PrefixedOutput(output, $"[{r.Name} on {where}] "));
                    return (r.Name, Where: where, Difference: Compare(simulated, real));
                }
                catch (Exception ex) when (ex is Xunit.Sdk.XunitException or TimeoutException)
                {
                    return (r.Name, Where: where, Difference: (string?)ex.Message);
                }
            }).ToList();
        var results = await Task.WhenAll(runs);

        var failures = results.Where(r => r.Difference is not null).Select(r => $"{r.Name} on {r.Where}:\n{r.Difference}").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Compare_SameSendsInAnotherOrder_SaysWhichCustomer()
    {
        ParitySend[] simulated = [new("c1", "a", "email"), new("c1", "b", "line"), new("c2", "a", "email")];
        ParitySend[] real = [new("c2", "a", "email"), new("c1", "b", "line"), new("c1", "a", "email")];

        var difference = Compare(simulated, real);

        Assert.Equal("c1: simulated [c1 a by email, c1 b by line], real [c1 b by line, c1 a by email]", difference?.Trim());
        Assert.Null(Compare(simulated, [real[0], real[2], real[1]]));
    }

    /// <summary>Null when every customer got the same messages by the same media in the same order in both runs; else what differs.</summary>
    public static string? Compare(IReadOnlyList<ParitySend> simulated, IReadOnlyList<ParitySend> real)
    {
        var text = new StringBuilder();
        foreach (var customer in simulated.Concat(real).Select(s => s.CustomerId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var a = simulated.Where(s => s.CustomerId == customer).ToList();
            var b = real.Where(s => s.CustomerId == customer).ToList();
            if (!a.SequenceEqual(b))
            {
                text.AppendLine($"{customer}: simulated [{string.Join(", ", a)}], real [{string.Join(", ", b)}]");
            }
        }

        return text.Length == 0 ? null : text.ToString();
    }
}
