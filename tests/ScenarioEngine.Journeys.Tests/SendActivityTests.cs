using Microsoft.DurableTask;
using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys.Tests;

public sealed class SendActivityTests
{
    private readonly FakeLedger _ledger = new();
    private readonly FakeRecorder _recorder = new();
    private readonly FakeChannel _channel = new();
    private readonly FakeSendGateState _gateState = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 2, 3, 0, 10, TimeSpan.Zero));
    private SendingOptions _sending = new();

    [Fact]
    public async Task RunAsync_SameSendTwice_CallsTheChannelOnceAndReturnsTheRecordedOutcome()
    {
        var activity = Activity();
        var command = Command();

        var first = await activity.RunAsync(new Context(), command);
        var second = await activity.RunAsync(new Context(), command);

        Assert.Single(_channel.Sent);
        Assert.Equal(SendStatus.Sent, first.Status);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task RunAsync_ClaimedWithoutOutcome_DoesNotSendAndReportsUnknown()
    {
        var command = Command();
        _ledger.LeaveClaimed(command.CustomerId, command.IdempotencyKey, DateTimeOffset.UtcNow);

        var outcome = await Activity().RunAsync(new Context(), command);

        Assert.Empty(_channel.Sent);
        Assert.Equal(SendStatus.Unknown, outcome.Status);
    }

    [Fact]
    public async Task RunAsync_CommandWithoutMedium_ThrowsNamingTheField()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Activity().RunAsync(new Context(), Command() with { Medium = "" }));

        Assert.Contains("SendCommand.Medium", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OverTheRate_DefersWithoutAClaimAndRecordsTheRateRule()
    {
        _sending = new SendingOptions { Rate = { ["webhook"] = 1 } };
        var activity = Activity();

        var first = await activity.RunAsync(new Context(), Command());
        var second = await activity.RunAsync(new Context(), Command("c2", "i2/1/a"));

        Assert.Equal(SendStatus.Sent, first.Status);
        Assert.Equal(SendStatus.Deferred, second.Status);
        Assert.Equal(SendGate.RateRule, second.Rule);
        Assert.NotNull(second.ReservedWindow);
        Assert.Single(_channel.Sent);
        Assert.Null((await _ledger.ReadAsync("c2", "i2/1/a")).Claim);
        Assert.Contains(_ledger.Outcomes, o => o.Key == "i2/1/a" && o.Outcome.Rule == SendGate.RateRule);
    }

    [Fact]
    public async Task RunAsync_ReservedWindowReached_SendsWithoutTakingAnotherPlace()
    {
        _sending = new SendingOptions { Rate = { ["webhook"] = 1 } };
        var activity = Activity();
        await activity.RunAsync(new Context(), Command());

        var outcome = await activity.RunAsync(new Context(), Command("c2", "i2/1/a") with { Attempt = 2, ReservedWindow = SendRate.WindowOf(_clock.GetUtcNow(), _sending.RateWindow) });

        Assert.Equal(SendStatus.Sent, outcome.Status);
        Assert.Equal(2, _channel.Sent.Count);
        Assert.Equal(1, _gateState.RateWrites);
    }

    [Fact]
    public async Task RunAsync_CircuitOpen_DefersWithoutCallingTheChannel()
    {
        _sending = new SendingOptions { Circuit = new CircuitBreakerOptions { FailureThreshold = 2 } };
        _channel.Failure = new ChannelSendResult(ChannelSendStatus.RetryLater, "HTTP 503", RetryAfter: TimeSpan.FromSeconds(5)) { Fault = ChannelFault.Outage };
        var activity = Activity();
        await activity.RunAsync(new Context(), Command("c1", "k1"));
        await activity.RunAsync(new Context(), Command("c2", "k2"));
        _channel.Failure = null;

        var held = await activity.RunAsync(new Context(), Command("c3", "k3"));

        Assert.Equal(2, _channel.Calls);
        Assert.Equal(SendStatus.Deferred, held.Status);
        Assert.Equal(SendGate.CircuitRule, held.Rule);
        Assert.Equal(CircuitState.Open, _gateState.Circuit("webhook")!.State);
        Assert.Null((await _ledger.ReadAsync("c3", "k3")).Claim);
    }

    [Fact]
    public async Task RunAsync_AuthenticationRefused_DefersTheSendAndCountsAProviderFailure()
    {
        _channel.Failure = new ChannelSendResult(ChannelSendStatus.Rejected, "HTTP 401: bad key") { Fault = ChannelFault.Authentication };

        var outcome = await Activity().RunAsync(new Context(), Command());

        Assert.Equal(SendStatus.Deferred, outcome.Status);
        Assert.Null(outcome.Rule);
        Assert.Null((await _ledger.ReadAsync("c1", "i1/1/a")).Claim);
        Assert.Equal(1, _gateState.Circuit("webhook")!.Failures);
        Assert.Equal("Authentication: HTTP 401: bad key", _gateState.Circuit("webhook")!.LastFailure);
    }

    [Fact]
    public async Task RunAsync_RejectedForTheMessagesSake_IsNotAProviderFailure()
    {
        _channel.Failure = new ChannelSendResult(ChannelSendStatus.Rejected, "HTTP 400: bad address");

        var outcome = await Activity().RunAsync(new Context(), Command());

        Assert.Equal(SendStatus.Rejected, outcome.Status);
        Assert.Null(_gateState.Circuit("webhook"));
    }

    [Fact]
    public async Task RunAsync_ChannelThrows_CountsAProviderFailureAndRethrows()
    {
        var activity = new SendActivity(_ledger, _recorder, new ThrowingChannel(), Gate(), new SendPolicyOptions(), _clock, NullLogger<SendActivity>.Instance);

        await Assert.ThrowsAsync<HttpRequestException>(() => activity.RunAsync(new Context(), Command()));

        Assert.Equal("Outage: HttpRequestException", _gateState.Circuit("webhook")!.LastFailure);
    }

    private SendActivity Activity() =>
        new(_ledger, _recorder, _channel, Gate(), new SendPolicyOptions(), _clock, NullLogger<SendActivity>.Instance);

    private SendGate Gate() => new(_gateState, _gateState, _sending, _clock, NullLogger<SendGate>.Instance);

    private static SendCommand Command(string customerId = "c1", string key = "i1/1/a") => new(customerId, "i1", "j1", 1, "a", "webhook", "m1", false, key, 1);

    private sealed class ThrowingChannel : ISendChannel
    {
        public Task<ChannelSendResult> SendAsync(SendCommand command, CustomerProfile profile, CancellationToken cancellationToken = default) =>
            throw new HttpRequestException("connection refused");
    }

    private sealed class Context : TaskActivityContext
    {
        public override TaskName Name => new(SendActivity.Name);

        public override string InstanceId => "i1";
    }
}
