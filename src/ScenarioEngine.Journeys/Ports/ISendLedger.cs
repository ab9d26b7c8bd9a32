namespace ScenarioEngine.Journeys.Ports;

/// <summary>
/// The customer's send ledger: profile, messages sent (for caps across journeys) and claims by idempotency key, in one partition so
/// a claim is written in the same transaction as the policy's inputs were read.
/// </summary>
public interface ISendLedger
{
    /// <summary>
    /// Reads what the policy needs and the claim standing for this key, if any. The view's profile and history are for reading: they
    /// may be the stored document's own (the in-memory store hands them out without a copy), so a caller that changes the profile
    /// clones it first (<see cref="Core.Model.CustomerProfile.Clone"/>).
    /// </summary>
    Task<SendLedgerView> ReadAsync(string customerId, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the send and counts it in the history, only if the ledger is still at <paramref name="etag"/>; false when something
    /// else wrote it since (read again). The record batch the claim carries (<see cref="SendClaimRequest.Record"/>; one that updates
    /// the profile is not accepted: it is recorded before the send) is applied in the same transaction, unless applied before.
    /// </summary>
    Task<bool> TryClaimAsync(SendClaimRequest claim, string etag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the outcome of <paramref name="send"/> (its customer, key, journey, version, instance, step and attempt). A final outcome
    /// (sent, skipped, rejected, or unknown when it could not be settled) settles the claim (sent and unknown keep its place in the
    /// history); a deferral releases it (and its place in the history) so a later attempt may claim again. In the same transaction it
    /// writes the outcome's "message" entry on the customer's time line (with the rendered <paramref name="content"/>, when the channel
    /// rendered any, and how an unknown outcome was settled) and counts it on the instance's step counters ("sent", "skipped" and
    /// "skipped:{rule}", "deferred" and "deferred:{rule}", "failed", "unknown"). Idempotent: an outcome recorded twice (a final one
    /// by key, a deferral by key and attempt) writes one entry and counts once. The record batch the send carries
    /// (<see cref="SendCommand.Record"/>) is applied in the same transaction, unless its claim applied it before.
    /// </summary>
    Task RecordOutcomeAsync(SendCommand send, SendOutcome outcome, IReadOnlyDictionary<string, string>? content = null, CancellationToken cancellationToken = default);
}
