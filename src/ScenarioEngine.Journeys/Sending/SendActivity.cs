using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Journeys.Sending;

/// <summary>
/// Sends one message at most once: records the wait point's batch when it carries one, applies the send policy to the customer's
/// ledger, claims the send (only if the ledger did not change since it was read), calls the channel and records the outcome (with the journey, step and rendered content, for the time line and step counters). A run
/// that finds a claim for its key returns the recorded outcome, or has <see cref="SendSettlement"/> settle the unknown one (as it does
/// when the channel cannot say whether the provider got the request).
/// </summary>
[DurableTask(Name)]
public sealed class SendActivity(
    ISendLedger ledger,
    IJourneyRecorder recorder,
    ISendChannel channel,
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
        if (input.Record is { } record)
        {
            await recorder.RecordAsync(record).ConfigureAwait(false);
        }

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

            if (!await ledger.TryClaimAsync(new SendClaimRequest(input.CustomerId, input.IdempotencyKey, input.Medium, input.Transactional, now), view.ETag).ConfigureAwait(false))
            {
                continue;
            }

            var result = await channel.SendAsync(input, view.Profile).ConfigureAwait(false);
            if (result.Status == ChannelSendStatus.Unknown)
            {
                return await settlement.UnansweredAsync(input, result, now).ConfigureAwait(false);
            }

            return await FinishAsync(input, SendOutcome.FromChannel(result, time.GetUtcNow()), result.Content).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"The send ledger of the customer of {input.IdempotencyKey} kept changing; {MaxClaimAttempts} claims failed (the activity is retried).");
    }

    private async Task<SendOutcome> FinishAsync(SendCommand input, SendOutcome outcome, IReadOnlyDictionary<string, string>? content)
    {
        await ledger.RecordOutcomeAsync(input, outcome, content).ConfigureAwait(false);
        Log.SendFinished(logger, input.IdempotencyKey, outcome.Status, outcome.Reason);
        return outcome;
    }
}
