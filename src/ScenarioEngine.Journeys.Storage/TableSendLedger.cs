using Microsoft.Extensions.Logging;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Journeys.Storage;

/// <summary>
/// The send ledger in the customer's partition of the customers table: the profile row ("a|profile", the runtime's shape) holds the
/// send history every journey's caps count, and a claim row ("s|{key}") per send. A claim adds the send to the history and inserts its
/// claim row in one transaction conditioned on the profile row's ETag as read, so two journeys of one customer racing for the last
/// place under a cap cannot both win: the loser's transaction fails and its activity reads again and decides again.
/// </summary>
public sealed class TableSendLedger : ISendLedger, ICustomerProfiles
{
    /// <summary>The <see cref="SendLedgerView.ETag"/> of a customer with no profile row yet (the claim then inserts one).</summary>
    public const string NoProfileRow = "";

    private const int MaxAttempts = 8;

    private readonly IRowStore _store;
    private readonly JourneyTableOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TableSendLedger> _logger;

    /// <summary>A ledger on <paramref name="store"/>.</summary>
    public TableSendLedger(IRowStore store, JourneyTableOptions options, TimeProvider time, ILogger<TableSendLedger> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        (_store, _options, _time, _logger) = (store, options, time, logger);
    }

    private string Table => _options.CustomersTable;

    /// <inheritdoc />
    public async Task<SendLedgerView> ReadAsync(string customerId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        Require(customerId, idempotencyKey);
        var profileRead = _store.GetAsync(Table, customerId, Codec.ProfileKey, cancellationToken);
        var claimRead = _store.GetAsync(Table, customerId, JourneyRows.ClaimKey(idempotencyKey), cancellationToken);
        var profileRow = await profileRead.ConfigureAwait(false);
        var claimRow = await claimRead.ConfigureAwait(false);
        var doc = profileRow is null ? new ProfileDoc() : Codec.Read<ProfileDoc>(profileRow);
        var claim = claimRow is null ? null : Codec.Read<ClaimDoc>(claimRow);
        return new SendLedgerView(doc.ToProfile(customerId), doc.Sends, claim is null ? null : new SendClaim(claim.ClaimedAt, claim.Outcome),
            profileRow?.ETag ?? NoProfileRow);
    }

    /// <inheritdoc />
    public async Task<bool> TryClaimAsync(SendClaimRequest claim, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(etag);
        Require(claim.CustomerId, claim.IdempotencyKey);
        var profileRow = await _store.GetAsync(Table, claim.CustomerId, Codec.ProfileKey, cancellationToken).ConfigureAwait(false);
        if ((profileRow?.ETag ?? NoProfileRow) != etag)
        {
            Log.ClaimConflict(_logger, claim.CustomerId, claim.IdempotencyKey);
            return false;
        }

        var doc = profileRow is null ? new ProfileDoc() : Codec.Read<ProfileDoc>(profileRow);
        doc.Sends.RemoveAll(s => s.SentAt < _time.GetUtcNow() - _options.SendHistoryWindow);
        doc.Sends.Add(new SentMessage(claim.Medium, claim.At, claim.Transactional));
        var claimDoc = new ClaimDoc(claim.At, claim.Medium, claim.Transactional, Counted: true, Outcome: null);
        var result = await _store.CommitAsync(Table,
        [
            ProfileWrite(claim.CustomerId, doc, profileRow?.ETag),
            new RowWrite(WriteKind.Insert, new StoredRow(claim.CustomerId, JourneyRows.ClaimKey(claim.IdempotencyKey), Codec.Write(claimDoc))),
        ], cancellationToken).ConfigureAwait(false);
        if (result.Status != CommitStatus.Ok)
        {
            Log.ClaimConflict(_logger, claim.CustomerId, claim.IdempotencyKey);
            return false;
        }

        return true;
    }

    /// <inheritdoc />
    public async Task RecordOutcomeAsync(string customerId, string idempotencyKey, SendOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Require(customerId, idempotencyKey);
        var claimKey = JourneyRows.ClaimKey(idempotencyKey);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var claimRow = await _store.GetAsync(Table, customerId, claimKey, cancellationToken).ConfigureAwait(false);
            var writes = await OutcomeWritesAsync(customerId, claimKey, claimRow, outcome, cancellationToken).ConfigureAwait(false);
            if (writes.Count == 0 || (await _store.CommitAsync(Table, writes, cancellationToken).ConfigureAwait(false)).Status == CommitStatus.Ok)
            {
                return;
            }

            Log.ClaimConflict(_logger, customerId, idempotencyKey);
        }

        throw new InvalidOperationException($"The send ledger of customer '{customerId}' kept changing; the outcome of {idempotencyKey} was not recorded after {MaxAttempts} attempts (the activity is retried).");
    }

    /// <inheritdoc />
    public async Task<CustomerProfile> ReadAsync(string customerId, CancellationToken cancellationToken = default)
    {
        TableKeys.Validate(customerId, nameof(customerId));
        var row = await _store.GetAsync(Table, customerId, Codec.ProfileKey, cancellationToken).ConfigureAwait(false);
        return (row is null ? new ProfileDoc() : Codec.Read<ProfileDoc>(row)).ToProfile(customerId);
    }

    // The writes that record an outcome: none when nothing changes (a deferral with no claim, an outcome already final).
    private async Task<IReadOnlyList<RowWrite>> OutcomeWritesAsync(string customerId, string claimKey, StoredRow? claimRow, SendOutcome outcome, CancellationToken cancellationToken)
    {
        if (claimRow is null)
        {
            // The policy held the send before any claim: a deferral leaves nothing; a skip is kept, so a run again returns it.
            return outcome.Status == SendStatus.Deferred
                ? []
                : [new RowWrite(WriteKind.Insert, new StoredRow(customerId, claimKey, Codec.Write(new ClaimDoc(_time.GetUtcNow(), null, false, false, outcome))))];
        }

        var claim = Codec.Read<ClaimDoc>(claimRow);
        if (claim.Outcome is not null)
        {
            return [];
        }

        var settled = new RowWrite(WriteKind.Replace, claimRow with { Data = Codec.Write(claim with { Outcome = outcome, Counted = claim.Counted && outcome.Status == SendStatus.Sent }) });
        if (outcome.Status == SendStatus.Sent || !claim.Counted)
        {
            return outcome.Status == SendStatus.Deferred ? [new RowWrite(WriteKind.Delete, claimRow)] : [settled];
        }

        // Nothing reached the customer: the send gives its place in the history back, in the same transaction as the claim changes.
        var profileRow = await _store.GetAsync(Table, customerId, Codec.ProfileKey, cancellationToken).ConfigureAwait(false);
        var doc = profileRow is null ? new ProfileDoc() : Codec.Read<ProfileDoc>(profileRow);
        var index = doc.Sends.FindIndex(s => s.Medium == claim.Medium && s.SentAt == claim.ClaimedAt && s.Transactional == claim.Transactional);
        if (index >= 0)
        {
            doc.Sends.RemoveAt(index);
        }

        return
        [
            ProfileWrite(customerId, doc, profileRow?.ETag),
            outcome.Status == SendStatus.Deferred ? new RowWrite(WriteKind.Delete, claimRow) : settled,
        ];
    }

    private static RowWrite ProfileWrite(string customerId, ProfileDoc doc, string? etag) =>
        new(etag is null ? WriteKind.Insert : WriteKind.Replace, new StoredRow(customerId, Codec.ProfileKey, Codec.Write(doc), etag));

    private static void Require(string customerId, string idempotencyKey)
    {
        TableKeys.Validate(customerId, nameof(customerId));
        if (string.IsNullOrWhiteSpace(idempotencyKey))
        {
            throw new ArgumentException("idempotencyKey is required (a non-empty string).", nameof(idempotencyKey));
        }
    }
}
