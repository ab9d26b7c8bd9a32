using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Journeys.Sending;

/// <summary>
/// Sends one message at most once: applies the send policy to the customer's ledger, claims the send (only if the ledger did not
/// change since it was read; with the wait point's record batch when the send carries one), calls the channel and records the outcome (with the journey, step and rendered content, for the time line and step counters). A run
/// that finds a claim for its key returns the recorded outcome, or has <see cref="SendSettlement"/> settle the unknown one (as it does
/// when the channel cannot say whether the provider got the request). Between the policy and the claim the <see cref="SendGate"/> may
/// hold the send (open circuit, send rate), so a held send never holds a claim; the provider's answer is reported to the gate once the
/// outcome is recorded.
/// </summary>
[DurableTask(Name)]
public sealed class SendActivity(
    ISendLedger ledger,
    IJourneyRecorder recorder,
    ISendChannel channel,
    SendGate gate,
    SendSettlement settlement,
    SendPolicyOptions policy,
    TimeProvider time,
    ILogger<SendActivity> logger) : TaskActivity<SendCommand, SendOutcome>
{
    /// <summary>The activity name.</summary>
    public const string Name = "journey-send";

    private const int MaxClaimAttempts = 5;

    /// <inheritdoc />
    public override async Task<SendOutcome> RunAsync(TaskActivityContext context, SendCommand input)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.Validate();
        // A batch that updates the profile is recorded first, so the policy and the message see the profile it leaves; any other
        // batch goes into the ledger's first transaction of this send (the claim, or the outcome of a send held before any claim).
        if (input.Record is { UpdatesProfile: true } record)
        {
            await recorder.RecordAsync(record).ConfigureAwait(false);
            input = input with { Record = null };
        }

        if (input.GiveUp is { } reason)
        {
            // Every attempt was deferred (each released its claim): the send ends failed, on the time line and in the counters.
            return await FinishAsync(input, new SendOutcome(SendStatus.Rejected, reason), null).ConfigureAwait(false);
        }

        SendAdmission? admission = null;
        for (var attempt = 1; attempt <= MaxClaimAttempts; attempt++)
        {
            var view = await ledger.ReadAsync(input.CustomerId, input.IdempotencyKey).ConfigureAwait(false);
            if (view.Claim is { } claim)
            {
                return await settlement.SettleAsync(input, view.Profile, claim).ConfigureAwait(false);
            }

            var now = time.GetUtcNow();
            var decision = SendPolicy.Decide(input.Medium, input.Transactional, view.Profile, view.History, now, policy);
            if (decision.Outcome != PolicyOutcome.SendNow)
            {
                var held = decision.Outcome == PolicyOutcome.Defer
                    ? new SendOutcome(SendStatus.Deferred, $"{decision.Rule}: {decision.Reason}", decision.DeferUntil, Rule: decision.Rule)
                    : new SendOutcome(SendStatus.Skipped, $"{decision.Rule}: {decision.Reason}", Rule: decision.Rule);
                return await FinishAsync(input, held, null).ConfigureAwait(false);
            }

            // Once per run: a claim lost to a concurrent write reads and decides again, but keeps its place under the rate.
            admission ??= await gate.AdmitAsync(input).ConfigureAwait(false);
            if (admission.Deferral is { } gated)
            {
                return await FinishAsync(input, gated, null).ConfigureAwait(false);
            }

            var request = new SendClaimRequest(input.CustomerId, input.IdempotencyKey, input.Medium, input.Transactional, now) { Record = input.Record };
            if (!await ledger.TryClaimAsync(request, view.ETag).ConfigureAwait(false))
            {
                continue;
            }

            ChannelSendResult result;
            try
            {
                result = await channel.SendAsync(input, view.Profile).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await gate.ReportAsync(input, admission, ChannelFault.Outage, ex.GetType().Name).ConfigureAwait(false);
                throw;
            }

            var outcome = result.Status == ChannelSendStatus.Unknown
                ? await settlement.UnansweredAsync(input, result, now).ConfigureAwait(false)
                : await FinishAsync(input, Counted(SendOutcome.FromChannel(result, time.GetUtcNow()), admission), result.Content).ConfigureAwait(false);
            await gate.ReportAsync(input, admission, result.Status == ChannelSendStatus.Delivered ? ChannelFault.None : result.Fault, result.Reason).ConfigureAwait(false);
            return outcome;
        }

        throw new InvalidOperationException($"The send ledger of the customer of {input.IdempotencyKey} kept changing; {MaxClaimAttempts} claims failed (the activity is retried).");
    }

    // A sent message names the rate window it counted in; a deferral carries no place (its next attempt reserves one).
    private static SendOutcome Counted(SendOutcome outcome, SendAdmission admission) =>
        outcome.Status == SendStatus.Sent ? outcome with { ReservedWindow = admission.Window } : outcome;

    private async Task<SendOutcome> FinishAsync(SendCommand input, SendOutcome outcome, IReadOnlyDictionary<string, string>? content)
    {
        await ledger.RecordOutcomeAsync(input, outcome, content).ConfigureAwait(false);
        Log.SendFinished(logger, input.IdempotencyKey, outcome.Status, outcome.Reason);
        return outcome;
    }
}
