using Microsoft.Extensions.Logging;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Journeys.Sending;

/// <summary>
/// Settles a send whose outcome is unknown (claimed by a run that recorded no outcome, or a channel that could not say whether the
/// provider got the request), by what the channel says a repeat does (<see cref="ISendChannel.RepeatSafetyOf"/>): repeated with the
/// same key where the provider de-duplicates by it; settled by the provider's confirmation where it has none (SendGrid), and sent
/// again only when none came within <see cref="SendSettlementOptions.EmailConfirmationWindow"/> of the claim; reported as unknown
/// otherwise. A repeat that again ends unknown is reported, so a send is repeated at most once.
/// </summary>
public sealed class SendSettlement
{
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromMinutes(1);

    private readonly ISendLedger _ledger;
    private readonly ISendConfirmations _confirmations;
    private readonly ISendChannel _channel;
    private readonly SendSettlementOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SendSettlement> _logger;

    /// <summary>A settlement over the customer's ledger, the provider's confirmations and the channel.</summary>
    public SendSettlement(ISendLedger ledger, ISendConfirmations confirmations, ISendChannel channel, SendSettlementOptions options, TimeProvider time,
        ILogger<SendSettlement> logger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(confirmations);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        (_ledger, _confirmations, _channel, _options, _time, _logger) = (ledger, confirmations, channel, options, time, logger);
    }

    /// <summary>
    /// A run found <paramref name="claim"/> for its key: returns the recorded outcome, or settles the unknown one. A deferral returned
    /// here is not recorded (the claim stays) and names its settlement: the orchestrator asks again at its time, whatever the attempt.
    /// </summary>
    public async Task<SendOutcome> SettleAsync(SendCommand send, CustomerProfile profile, SendClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(claim);
        if (claim.Outcome is { } recorded)
        {
            Log.SendAlreadySettled(_logger, send.IdempotencyKey, recorded.Status);
            return recorded;
        }

        switch (_channel.RepeatSafetyOf(send.Medium))
        {
            case RepeatSafety.SameKey:
                Log.SendRepeatedWithSameKey(_logger, send.IdempotencyKey);
                return await RepeatAsync(send, profile, "outcome unknown: sent again with the same key, which the channel de-duplicates", cancellationToken)
                    .ConfigureAwait(false);
            case RepeatSafety.AfterConfirmationWindow:
                return await ReconcileAsync(send, profile, claim.ClaimedAt, cancellationToken).ConfigureAwait(false);
            default:
                return await ReportAsync(send, $"claimed by an earlier run that recorded no outcome, and the {send.Medium} channel cannot repeat it safely: not sent again",
                    cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The channel, called under a claim made at <paramref name="claimedAt"/>, answered <see cref="ChannelSendStatus.Unknown"/>: the claim
    /// stays and the send is deferred to its settlement (a repeat with the same key after the channel's wait, or the end of the
    /// confirmation window), or reported as unknown when it cannot be repeated safely.
    /// </summary>
    public async Task<SendOutcome> UnansweredAsync(SendCommand send, ChannelSendResult result, DateTimeOffset claimedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(result);
        switch (_channel.RepeatSafetyOf(send.Medium))
        {
            case RepeatSafety.SameKey:
                var retryAt = _time.GetUtcNow() + (result.RetryAfter ?? DefaultRetryAfter);
                Log.SendAwaitingSettlement(_logger, send.IdempotencyKey, retryAt, result.Reason);
                return new SendOutcome(SendStatus.Deferred, result.Reason, retryAt, Settlement: $"outcome unknown: sent again with the same key at {retryAt:O}");
            case RepeatSafety.AfterConfirmationWindow:
                var deadline = claimedAt + _options.EmailConfirmationWindow;
                Log.SendAwaitingSettlement(_logger, send.IdempotencyKey, deadline, result.Reason);
                return new SendOutcome(SendStatus.Deferred, result.Reason, deadline, Settlement: AwaitingConfirmation(deadline));
            default:
                return await ReportAsync(send, $"{result.Reason}, and the {send.Medium} channel cannot repeat it safely: not sent again", cancellationToken)
                    .ConfigureAwait(false);
        }
    }

    // No idempotency key at the provider: its confirmation settles the send; without one, the send waits out the window, then goes again.
    private async Task<SendOutcome> ReconcileAsync(SendCommand send, CustomerProfile profile, DateTimeOffset claimedAt, CancellationToken cancellationToken)
    {
        if (await _confirmations.FindAsync(send.CustomerId, send.IdempotencyKey, cancellationToken).ConfigureAwait(false) is { } confirmation)
        {
            var how = $"confirmed by {confirmation.Provider}'s {confirmation.ProviderEvent} event";
            var settled = confirmation.Accepted
                ? new SendOutcome(SendStatus.Sent, $"{confirmation.Provider} reported {confirmation.ProviderEvent}", Settlement: how)
                : new SendOutcome(SendStatus.Rejected, $"{confirmation.Provider} reported {confirmation.ProviderEvent}", Settlement: how);
            Log.SendSettledByConfirmation(_logger, send.IdempotencyKey, confirmation.Provider, confirmation.ProviderEvent);
            return await FinishAsync(send, settled, null, cancellationToken).ConfigureAwait(false);
        }

        var deadline = claimedAt + _options.EmailConfirmationWindow;
        if (_time.GetUtcNow() < deadline)
        {
            Log.SendAwaitingSettlement(_logger, send.IdempotencyKey, deadline, "no confirmation yet");
            return new SendOutcome(SendStatus.Deferred, "claimed by an earlier run that recorded no outcome", deadline, Settlement: AwaitingConfirmation(deadline));
        }

        Log.SendNotConfirmed(_logger, send.IdempotencyKey, _options.EmailConfirmationWindow);
        return await RepeatAsync(send, profile, $"not confirmed within {_options.WindowText()}: sent again", cancellationToken).ConfigureAwait(false);
    }

    private static string AwaitingConfirmation(DateTimeOffset deadline) => $"outcome unknown: awaiting the provider's confirmation until {deadline:O}";

    private async Task<SendOutcome> RepeatAsync(SendCommand send, CustomerProfile profile, string how, CancellationToken cancellationToken)
    {
        var result = await _channel.SendAsync(send, profile, cancellationToken).ConfigureAwait(false);
        var outcome = SendOutcome.FromChannel(result, _time.GetUtcNow()) with { Settlement = how };
        if (outcome.Status == SendStatus.Unknown)
        {
            // Repeated once already: another repeat could reach the customer twice.
            return await ReportAsync(send, $"{how}, and the repeat's outcome is unknown too ({result.Reason}): not sent again", cancellationToken).ConfigureAwait(false);
        }

        return await FinishAsync(send, outcome, result.Content, cancellationToken).ConfigureAwait(false);
    }

    private Task<SendOutcome> ReportAsync(SendCommand send, string reason, CancellationToken cancellationToken)
    {
        Log.SendOutcomeUnknown(_logger, send.IdempotencyKey, reason);
        return FinishAsync(send, new SendOutcome(SendStatus.Unknown, reason), null, cancellationToken);
    }

    private async Task<SendOutcome> FinishAsync(SendCommand send, SendOutcome outcome, IReadOnlyDictionary<string, string>? content, CancellationToken cancellationToken)
    {
        await _ledger.RecordOutcomeAsync(send, outcome, content, cancellationToken).ConfigureAwait(false);
        Log.SendFinished(_logger, send.IdempotencyKey, outcome.Status, outcome.Reason);
        return outcome;
    }
}
