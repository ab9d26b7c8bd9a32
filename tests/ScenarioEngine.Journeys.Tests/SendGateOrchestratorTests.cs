using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys.Tests;

/// <summary>The send rate and the circuit breaker through the orchestrator on the in-memory test host (real-time windows of seconds: long enough that ten sends ask within one window).</summary>
public sealed class SendGateOrchestratorTests
{
    [Fact]
    public async Task RunAsync_TenCustomersOverTheRate_EachGetsExactlyOneMessageSpreadOverWindows()
    {
        var sending = new SendingOptions { Rate = { ["webhook"] = 4 }, RateWindow = TimeSpan.FromSeconds(4) };
        await using var host = await JourneyTestHost.StartAsync(sending: sending);
        var journey = TestJourneys.SendOnce();
        host.Catalog.Publish(journey);
        var customers = Enumerable.Range(0, 10).Select(i => "c" + i).ToList();

        await host.CompletionAsync(await host.StartAllAsync(journey, customers));

        Assert.Equal(customers, host.Channel.Sent.Select(s => s.Command.CustomerId).Order(StringComparer.Ordinal));
        var sent = host.Ledger.Outcomes.Where(o => o.Outcome.Status == SendStatus.Sent).Select(o => o.Outcome).ToList();
        Assert.Equal(10, sent.Count);
        var perWindow = sent.GroupBy(o => o.ReservedWindow!.Value).Select(g => g.Count()).ToList();
        Assert.True(perWindow.Count >= 3, $"10 sends at 4 per window need 3 windows or more, got {perWindow.Count}");
        Assert.All(perWindow, count => Assert.InRange(count, 1, 4));
        var deferred = host.Ledger.Outcomes.Where(o => o.Outcome.Status == SendStatus.Deferred).ToList();
        Assert.NotEmpty(deferred);
        Assert.All(deferred, d => Assert.Equal(SendGate.RateRule, d.Outcome.Rule));
        Assert.All(host.Channel.Sent.Where(s => s.Command.Attempt > 1), s => Assert.True(s.At >= s.Command.ReservedWindow, $"{s.Command.IdempotencyKey} sent at {s.At:O}, before its window {s.Command.ReservedWindow:O}"));
    }

    [Fact]
    public async Task RunAsync_ProviderFailsThenRecovers_CircuitOpensDefersAndEveryMessageGoesOutOnce()
    {
        var sending = new SendingOptions
        {
            Circuit = new CircuitBreakerOptions { FailureThreshold = 2, CoolDown = TimeSpan.FromSeconds(3), TrialTimeout = TimeSpan.FromSeconds(1) },
        };
        await using var host = await JourneyTestHost.StartAsync(sending: sending);
        host.Channel.Failure = new ChannelSendResult(ChannelSendStatus.RetryLater, "HTTP 503", RetryAfter: TimeSpan.FromSeconds(1)) { Fault = ChannelFault.Outage };
        var journey = TestJourneys.SendOnce();
        host.Catalog.Publish(journey);
        var customers = Enumerable.Range(0, 5).Select(i => "c" + i).ToList();

        var ids = await host.StartAllAsync(journey, customers);

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (host.GateState.Circuit("webhook") is not { State: CircuitState.Open })
            {
                await Task.Delay(50, timeout.Token);
            }
        }

        host.Channel.Failure = null;
        await host.CompletionAsync(ids);

        Assert.Equal(customers, host.Channel.Sent.Select(s => s.Command.CustomerId).Order(StringComparer.Ordinal));
        // Only the sends let out before the circuit opened (and none while it was open) reached the failing provider.
        Assert.InRange(host.Channel.FailedCalls, 2, 5);
        Assert.Equal(host.Channel.FailedCalls + customers.Count, host.Channel.Calls);
        Assert.Contains(host.Ledger.Outcomes, o => o.Outcome.Rule == SendGate.CircuitRule);
        Assert.Equal(customers.Count, host.Ledger.Outcomes.Count(o => o.Outcome.Status == SendStatus.Sent));
        var circuit = host.GateState.Circuit("webhook")!;
        Assert.Equal(CircuitState.Closed, circuit.State);
        Assert.NotNull(circuit.OpenedAt);
    }
}
