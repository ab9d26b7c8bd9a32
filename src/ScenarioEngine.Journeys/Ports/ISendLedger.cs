namespace ScenarioEngine.Journeys.Ports;

/// <summary>
/// The customer's send ledger: profile, messages sent (for caps across journeys) and claims by idempotency key, in one partition so
/// a claim is written in the same transaction as the policy's inputs were read.
/// </summary>
public interface ISendLedger
{
    /// <summary>Reads what the policy needs and the claim standing for this key, if any.</summary>
    Task<SendLedgerView> ReadAsync(string customerId, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the send and counts it in the history, only if the ledger is still at <paramref name="etag"/>; false when something
    /// else wrote it since (read again).
    /// </summary>
    Task<bool> TryClaimAsync(SendClaimRequest claim, string etag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records an outcome against the key. A final outcome (sent, skipped, rejected) settles the claim; a deferral releases it (and
    /// its place in the history) so a later attempt may claim again.
    /// </summary>
    Task RecordOutcomeAsync(string customerId, string idempotencyKey, SendOutcome outcome, CancellationToken cancellationToken = default);
}
