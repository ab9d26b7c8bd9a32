using Microsoft.DurableTask;
using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys.Tests;

public sealed class SendActivityTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeLedger _ledger = new();
    private FakeRecorder Recorder => _ledger.Recorder;
    private readonly FakeChannel _channel = new();
    private readonly FakeSendGateState _gateState = new();
    private readonly ManualClock _clock = new(T0);
    private SendingOptions _sending = new();

    [Fact]
    public async Task RunAsync_SameSendTwice_CallsTheChannelOnceAndReturnsTheRecordedOutcome()
    {
        var activity = Activity();
        var command = Command();

        var first = await activity.RunAsync(new Context(), command);
        var second = await activity.RunAsync(new Context(), command);

        Assert.Single(_channel.Sent);
        Assert.Equal(1, _channel.Calls);
        Assert.Equal(SendStatus.Sent, first.Status);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task RunAsync_ChannelCrashesAfterDelivering_TheRetryRepeatsWithTheSameKeyAndTheCustomerGetsOneMessage()
    {
        _channel.CrashesAfterDelivery = 1;
        var activity = Activity();
        var command = Command();

        await Assert.ThrowsAsync<IOException>(() => activity.RunAsync(new Context(), command));
        var outcome = await activity.RunAsync(new Context(), command);

        Assert.Equal(2, _channel.Calls);
        Assert.Single(_channel.Sent);
        Assert.Equal(SendStatus.Sent, outcome.Status);
        Assert.Equal("outcome unknown: sent again with the same key, which the channel de-duplicates", outcome.Settlement);
        Assert.Equal([(command.IdempotencyKey, outcome)], _ledger.Outcomes);
    }

    [Fact]
    public async Task RunAsync_CrashedBetweenClaimAndSend_TheRetrySendsTheMessage()
    {
        _channel.CrashesBeforeDelivery = 1;
        var activity = Activity();
        var command = Command();

        await Assert.ThrowsAsync<IOException>(() => activity.RunAsync(new Context(), command));
        var outcome = await activity.RunAsync(new Context(), command);

        Assert.Equal(SendStatus.Sent, outcome.Status);
        Assert.Single(_channel.Sent);
    }

    [Fact]
    public async Task RunAsync_ChannelTimesOutOnADedupingChannel_DefersWithTheClaimKeptThenRepeatsOnce()
    {
        _channel.TimeoutsAfterDelivery = 1;
        var activity = Activity();
        var command = Command();

        var first = await activity.RunAsync(new Context(), command);
        _clock.Now = first.RetryAt!.Value;
        var second = await activity.RunAsync(new Context(), command with { Attempt = 2 });

        Assert.Equal(SendStatus.Deferred, first.Status);
        Assert.Equal(T0.AddMinutes(1), first.RetryAt);
        Assert.Equal(SendStatus.Sent, second.Status);
        Assert.Equal(2, _channel.Calls);
        Assert.Single(_channel.Sent);
        Assert.Equal([(command.IdempotencyKey, second)], _ledger.Outcomes);
    }

    [Fact]
    public async Task RunAsync_RepeatEndsUnknownToo_ReportsUnknownAndStopsRepeating()
    {
        _channel.TimeoutsAfterDelivery = 2;
        var activity = Activity();
        var command = Command();

        await activity.RunAsync(new Context(), command);
        _clock.Now = T0.AddMinutes(1);
        var second = await activity.RunAsync(new Context(), command with { Attempt = 2 });
        var third = await activity.RunAsync(new Context(), command with { Attempt = 3 });

        Assert.Equal(SendStatus.Unknown, second.Status);
        Assert.Contains("the repeat's outcome is unknown too", second.Reason, StringComparison.Ordinal);
        Assert.Equal(second, third);
        Assert.Equal(2, _channel.Calls);
    }

    [Fact]
    public async Task RunAsync_ClaimedWithoutOutcomeOnAChannelThatCannotRepeat_RecordsUnknownAndDoesNotSend()
    {
        _channel.Repeat = RepeatSafety.Never;
        var command = Command();
        _ledger.LeaveClaimed(command.CustomerId, command.IdempotencyKey, T0);

        var outcome = await Activity().RunAsync(new Context(), command);

        Assert.Equal(0, _channel.Calls);
        Assert.Equal(SendStatus.Unknown, outcome.Status);
        Assert.Equal("claimed by an earlier run that recorded no outcome, and the webhook channel cannot repeat it safely: not sent again", outcome.Reason);
        Assert.Equal([(command.IdempotencyKey, outcome)], _ledger.Outcomes);
    }

    [Fact]
    public async Task RunAsync_EmailTimedOutThenConfirmedByTheWebhook_SettlesAsSentWithoutSendingAgain()
    {
        _channel.Repeat = RepeatSafety.AfterConfirmationWindow;
        _channel.TimeoutsAfterDelivery = 1;
        var activity = Activity();
        var command = Email();

        var first = await activity.RunAsync(new Context(), command);
        await _ledger.ConfirmAsync(new SendConfirmation(command.CustomerId, command.IdempotencyKey, "SendGrid", "processed", T0.AddSeconds(5)));
        _clock.Now = first.RetryAt!.Value;
        var second = await activity.RunAsync(new Context(), command with { Attempt = 2 });

        Assert.Equal(SendStatus.Deferred, first.Status);
        Assert.Equal(T0.AddHours(1), first.RetryAt);
        Assert.Equal(SendStatus.Sent, second.Status);
        Assert.Equal("confirmed by SendGrid's processed event", second.Settlement);
        Assert.Equal(1, _channel.Calls);
        Assert.Equal([(command.IdempotencyKey, second)], _ledger.Outcomes);
    }

    [Fact]
    public async Task RunAsync_EmailCrashedThenBounced_SettlesAsRejectedWithoutSendingAgain()
    {
        _channel.Repeat = RepeatSafety.AfterConfirmationWindow;
        _channel.CrashesAfterDelivery = 1;
        var activity = Activity();
        var command = Email();

        await Assert.ThrowsAsync<IOException>(() => activity.RunAsync(new Context(), command));
        await _ledger.ConfirmAsync(new SendConfirmation(command.CustomerId, command.IdempotencyKey, "SendGrid", "bounce", T0.AddSeconds(5)));
        var outcome = await activity.RunAsync(new Context(), command);

        Assert.Equal(SendStatus.Rejected, outcome.Status);
        Assert.Equal("confirmed by SendGrid's bounce event", outcome.Settlement);
        Assert.Equal(1, _channel.Calls);
    }

    [Fact]
    public async Task RunAsync_EmailNotConfirmedWithinTheWindow_DefersToTheWindowsEndThenSendsAgain()
    {
        _channel.Repeat = RepeatSafety.AfterConfirmationWindow;
        _channel.CrashesAfterDelivery = 1;
        var activity = Activity();
        var command = Email();

        await Assert.ThrowsAsync<IOException>(() => activity.RunAsync(new Context(), command));
        _clock.Now = T0.AddMinutes(20);
        var early = await activity.RunAsync(new Context(), command);
        _clock.Now = early.RetryAt!.Value;
        var late = await activity.RunAsync(new Context(), command with { Attempt = 2 });

        Assert.Equal(SendStatus.Deferred, early.Status);
        Assert.Equal(T0.AddHours(1), early.RetryAt);
        Assert.Equal($"outcome unknown: awaiting the provider's confirmation until {T0.AddHours(1):O}", early.Settlement);
        Assert.Equal(SendStatus.Sent, late.Status);
        Assert.Equal("not confirmed within 1 h: sent again", late.Settlement);
        Assert.Equal(2, _channel.Calls);
        Assert.Equal([(command.IdempotencyKey, late)], _ledger.Outcomes);
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
        var channel = new ThrowingChannel();
        var activity = new SendActivity(_ledger, Recorder, channel, Gate(),
            new SendSettlement(_ledger, _ledger, channel, new SendSettlementOptions(), _clock, NullLogger<SendSettlement>.Instance),
            new SendPolicyOptions(), _clock, NullLogger<SendActivity>.Instance);

        await Assert.ThrowsAsync<HttpRequestException>(() => activity.RunAsync(new Context(), Command()));

        Assert.Equal("Outage: HttpRequestException", _gateState.Circuit("webhook")!.LastFailure);
    }

    private SendActivity Activity() =>
        new(_ledger, Recorder, _channel, Gate(),
            new SendSettlement(_ledger, _ledger, _channel, new SendSettlementOptions(), _clock, NullLogger<SendSettlement>.Instance),
            new SendPolicyOptions(), _clock, NullLogger<SendActivity>.Instance);

    private SendGate Gate() => new(_gateState, _gateState, _sending, _clock, NullLogger<SendGate>.Instance);

    private static SendCommand Command(string customerId = "c1", string key = "i1/1/a") => new(customerId, "i1", "j1", 1, "a", "webhook", "m1", false, key, 1);

    private sealed class ThrowingChannel : ISendChannel
    {
        public Task<ChannelSendResult> SendAsync(SendCommand command, CustomerProfile profile, CancellationToken cancellationToken = default) =>
            throw new HttpRequestException("connection refused");

        public RepeatSafety RepeatSafetyOf(string medium) => RepeatSafety.SameKey;
    }

    private static SendCommand Email() => Command() with { Medium = "email" };

    private sealed class Context : TaskActivityContext
    {
        public override TaskName Name => new(SendActivity.Name);

        public override string InstanceId => "i1";
    }
}
