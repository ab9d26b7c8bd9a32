using System.Globalization;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Runtime.Diagnostics;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Integration;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Journeys.Storage;

/// <summary>
/// The send ledger in the customer's partition of the customers table: the profile row ("a|profile", the runtime's shape) holds the
/// send history every journey's caps count, and a claim row ("s|{key}") per send. A claim adds the send to the history and inserts its
/// claim row in one transaction conditioned on the profile row's ETag as read, so two journeys of one customer racing for the last
/// place under a cap cannot both win: the loser's transaction fails and its activity reads again and decides again. An outcome is
/// recorded in one transaction with its "message" time-line row ("t|", the runtime's entry shape with the rendered content) and its
/// step counters on the instance row ("i|{journey}:{instance}", the recorder's row; not counted when the instance has no row). A
/// provider's confirmation of a send (SendGrid's Event Webhook) is one row per send ("r|{key}"), written with one request.
/// </summary>
public sealed class TableSendLedger : ISendLedger, ICustomerProfiles, ISendConfirmations
{
    /// <summary>The <see cref="SendLedgerView.ETag"/> of a customer with no profile row yet (the claim then inserts one).</summary>
    public const string NoProfileRow = "";

    private const int MaxAttempts = 8;

    private readonly IRowStore _store;
    private readonly JourneyTableOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TableSendLedger> _logger;
    private readonly IIntegrationEvents _integrationEvents;
    private readonly RecentRows _recent;

    /// <summary>
    /// A ledger on <paramref name="store"/>, publishing each recorded sent, skipped and failed outcome to <paramref name="integrationEvents"/>
    /// (none when null) once its commit holds; its conditioned writes start from the rows in <paramref name="recent"/> (shared with the
    /// recorder; a ledger of its own when null).
    /// </summary>
    public TableSendLedger(IRowStore store, JourneyTableOptions options, TimeProvider time, ILogger<TableSendLedger> logger, IIntegrationEvents? integrationEvents = null,
        RecentRows? recent = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        (_store, _options, _time, _logger) = (store, options, time, logger);
        _integrationEvents = integrationEvents ?? NoIntegrationEvents.Instance;
        _recent = recent ?? new RecentRows();
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
        _recent.Remember(Table, profileRow);
        _recent.Remember(Table, claimRow);
        // Read, not changed (ISendLedger.ReadAsync): the profile and history are the row's own, not copies.
        var doc = profileRow is null ? new ProfileDoc() : Codec.View<ProfileDoc>(profileRow);
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
        // The profile row as read for the decision, when this process still has it at that ETag (the commit is conditioned on it).
        var profileRow = _recent.Find(Table, claim.CustomerId, Codec.ProfileKey) is { } known && known.ETag == etag
            ? known
            : await _store.GetAsync(Table, claim.CustomerId, Codec.ProfileKey, cancellationToken).ConfigureAwait(false);
        if ((profileRow?.ETag ?? NoProfileRow) != etag)
        {
            Log.ClaimConflict(_logger, claim.CustomerId, claim.IdempotencyKey);
            return false;
        }

        // The claim changes only the send history: the new profile document shares the rest with the one the row holds (neither is
        // changed once written; every reader that changes one gets a copy).
        var read = profileRow is null ? new ProfileDoc() : Codec.View<ProfileDoc>(profileRow);
        var since = _time.GetUtcNow() - _options.SendHistoryWindow;
        var sends = new List<SentMessage>(read.Sends.Count + 1);
        foreach (var sent in read.Sends)
        {
            if (sent.SentAt >= since)
            {
                sends.Add(sent);
            }
        }

        sends.Add(new SentMessage(claim.Medium, claim.At, claim.Transactional));
        var doc = read.WithSends(sends);
        var claimDoc = new ClaimDoc(claim.At, claim.Medium, claim.Transactional, Counted: true, Outcome: null);
        var writes = new List<RowWrite>(4)
        {
            ProfileWrite(claim.CustomerId, doc, profileRow?.ETag),
            new(WriteKind.Insert, Codec.Row(claim.CustomerId, JourneyRows.ClaimKey(claim.IdempotencyKey), claimDoc)),
        };
        var recorded = claim.Record is { } record ? await CarriedRecordWritesAsync(record, writes, cancellationToken).ConfigureAwait(false) : null;
        var result = await _store.CommitAsync(Table, writes, cancellationToken).ConfigureAwait(false);
        if (result.Status != CommitStatus.Ok)
        {
            _recent.Forget(Table, writes);
            Log.ClaimConflict(_logger, claim.CustomerId, claim.IdempotencyKey);
            return false;
        }

        _recent.Remember(Table, writes, result);
        if (recorded is not null)
        {
            RecordBatch.Publish(_integrationEvents, claim.Record!, recorded.State.Step);
        }

        return true;
    }

    /// <inheritdoc />
    public async Task RecordOutcomeAsync(SendCommand send, SendOutcome outcome, IReadOnlyDictionary<string, string>? content = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(outcome);
        send.Validate();
        Require(send.CustomerId, send.IdempotencyKey);
        var metric = Metric(outcome);
        var claimKey = JourneyRows.ClaimKey(send.IdempotencyKey);
        var instanceKey = JourneyRows.InstanceKey(send.JourneyId, send.InstanceId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            // The first attempt starts from the rows this process last wrote (the claim it made, the instance row its recorder wrote):
            // every write below is conditioned on their ETags, and a final outcome or a deferral mark, once there, stays.
            var claimRead = Recent(attempt, send.CustomerId, claimKey, cancellationToken);
            var instanceRead = Recent(attempt, send.CustomerId, instanceKey, cancellationToken);
            var claimRow = await claimRead.ConfigureAwait(false);
            var instanceRow = await instanceRead.ConfigureAwait(false);
            var writes = await OutcomeWritesAsync(send.CustomerId, claimKey, claimRow, outcome, attempt, cancellationToken).ConfigureAwait(false);
            var instance = instanceRow is null ? null : Codec.Read<InstanceDoc>(instanceRow);
            var deferral = DeferralMark(send);
            if (writes is null || (outcome.Status == SendStatus.Deferred && instance is not null && instance.Deferrals.Contains(deferral)))
            {
                // The first transaction of this send (its claim, or this outcome before) applied the record batch it carries.
                Log.OutcomeAlreadyRecorded(_logger, send.IdempotencyKey, send.Attempt);
                return;
            }

            // A send held before any claim writes the record batch it carries here (a claimed one wrote it with its claim).
            var recorded = send.Record is { } record ? RecordBatch.Apply(CarriedRecord(record, send), instance, writes, _options.Timeline) : null;
            instance = recorded ?? instance;
            var now = _time.GetUtcNow();
            if (instance is not null)
            {
                instance.Count(send.StepId, metric);
                if (outcome.Rule is { } rule && outcome.Status is SendStatus.Skipped or SendStatus.Deferred)
                {
                    instance.Count(send.StepId, metric + ":" + rule);
                }

                if (outcome.Status == SendStatus.Deferred)
                {
                    instance.Deferrals.Add(deferral);
                }

                writes.Add(RecordBatch.InstanceWrite(send.CustomerId, instanceKey, instance, instanceRow));
            }

            if (_options.Timeline)
            {
                var entry = new TimelineEntry(now, "message", send.JourneyId, send.StepId, Text(send, outcome), Data(send, metric, content));
                writes.Add(new RowWrite(WriteKind.Upsert, Codec.Row(send.CustomerId, JourneyRows.OutcomeTimelineKey(now, send.InstanceId, send.IdempotencyKey, send.Attempt),
                    new TimelineRow([entry]))));
            }
            var result = await _store.CommitAsync(Table, writes, cancellationToken).ConfigureAwait(false);
            if (result.Status == CommitStatus.Ok)
            {
                _recent.Remember(Table, writes, result);
                if (recorded is not null)
                {
                    RecordBatch.Publish(_integrationEvents, send.Record!, recorded.State.Step);
                }

                EngineMeter.Send(send.Medium, metric);
                Publish(send, outcome, now);
                return;
            }

            _recent.Forget(Table, writes);
            _recent.Forget(Table, send.CustomerId, claimKey);
            _recent.Forget(Table, send.CustomerId, instanceKey);
            Log.ClaimConflict(_logger, send.CustomerId, send.IdempotencyKey);
        }

        throw new InvalidOperationException($"The send ledger of customer '{send.CustomerId}' kept changing; the outcome of {send.IdempotencyKey} was not recorded after {MaxAttempts} attempts (the activity is retried).");
    }

    /// <inheritdoc />
    public async Task ConfirmAsync(SendConfirmation confirmation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(confirmation);
        confirmation.Validate();
        Require(confirmation.CustomerId, confirmation.IdempotencyKey);
        var row = new StoredRow(confirmation.CustomerId, JourneyRows.ConfirmationKey(confirmation.IdempotencyKey),
            Codec.Write(new ConfirmationDoc(confirmation.Provider, confirmation.ProviderEvent, confirmation.At)));

        // An acceptance is inserted (a repeat, or one after a refusal, leaves the row as it is); a refusal overwrites, so it wins in any order.
        var result = await _store.CommitAsync(Table, [new RowWrite(confirmation.Accepted ? WriteKind.Insert : WriteKind.Upsert, row)], cancellationToken)
            .ConfigureAwait(false);
        if (result.Status is not (CommitStatus.Ok or CommitStatus.AlreadyExists))
        {
            throw new InvalidOperationException(
                $"The confirmation of send {confirmation.IdempotencyKey} of customer '{confirmation.CustomerId}' was not written ({result.Status}).");
        }
    }

    /// <inheritdoc />
    public async Task<SendConfirmation?> FindAsync(string customerId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        Require(customerId, idempotencyKey);
        var row = await _store.GetAsync(Table, customerId, JourneyRows.ConfirmationKey(idempotencyKey), cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var doc = Codec.Read<ConfirmationDoc>(row);
        return new SendConfirmation(customerId, idempotencyKey, doc.Provider, doc.ProviderEvent, doc.At);
    }

    /// <inheritdoc />
    public async Task<CustomerProfile> ReadAsync(string customerId, CancellationToken cancellationToken = default)
    {
        TableKeys.Validate(customerId, nameof(customerId));
        var row = await _store.GetAsync(Table, customerId, Codec.ProfileKey, cancellationToken).ConfigureAwait(false);
        return (row is null ? new ProfileDoc() : Codec.View<ProfileDoc>(row)).ToProfile(customerId); // read, not changed (ICustomerProfiles)
    }

    // The claim and profile writes that record an outcome; null when the claim already holds a final outcome (recorded before).
    private async Task<List<RowWrite>?> OutcomeWritesAsync(string customerId, string claimKey, StoredRow? claimRow, SendOutcome outcome, int attempt,
        CancellationToken cancellationToken)
    {
        if (claimRow is null)
        {
            // The policy held the send before any claim: a deferral leaves no claim; a skip is kept, so a run again returns it.
            return outcome.Status == SendStatus.Deferred
                ? []
                : [new RowWrite(WriteKind.Insert, Codec.Row(customerId, claimKey, new ClaimDoc(_time.GetUtcNow(), null, false, false, outcome)))];
        }

        var claim = Codec.Read<ClaimDoc>(claimRow);
        if (claim.Outcome is not null)
        {
            return null;
        }

        // A send that reached the customer, or may have (unknown), keeps its place in the history the caps count.
        var reached = outcome.Status is SendStatus.Sent or SendStatus.Unknown;
        var settled = new RowWrite(WriteKind.Replace, Codec.Row(customerId, claimKey, claim with { Outcome = outcome, Counted = claim.Counted && reached }, claimRow.ETag));
        if (reached || !claim.Counted)
        {
            return outcome.Status == SendStatus.Deferred ? [new RowWrite(WriteKind.Delete, claimRow)] : [settled];
        }

        // Nothing reached the customer: the send gives its place in the history back, in the same transaction as the claim changes.
        var profileRow = await Recent(attempt, customerId, Codec.ProfileKey, cancellationToken).ConfigureAwait(false);
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

    // The step counter of an outcome, as the runtime counts it (a rejection is "failed"); an outcome nobody could settle is "unknown".
    private static string Metric(SendOutcome outcome) => outcome.Status switch
    {
        SendStatus.Sent => "sent",
        SendStatus.Skipped => "skipped",
        SendStatus.Deferred => "deferred",
        SendStatus.Rejected => "failed",
        SendStatus.Unknown => "unknown",
        _ => throw new ArgumentException(
            $"SendOutcome.{nameof(SendOutcome.Status)} must be Sent, Skipped, Deferred, Rejected or Unknown to be recorded, got {outcome.Status}.", nameof(outcome)),
    };

    // A deferral is one per attempt: the instance row keeps its mark so a deferral recorded twice counts once.
    private static string DeferralMark(SendCommand send) => send.IdempotencyKey + "#" + send.Attempt.ToString(CultureInfo.InvariantCulture);

    // A committed outcome for the shop's other systems: sent, skipped or failed (a deferral is not final and publishes nothing).
    private void Publish(SendCommand send, SendOutcome outcome, DateTimeOffset at)
    {
        var type = outcome.Status switch
        {
            SendStatus.Sent => IntegrationEventTypes.MessageSent,
            SendStatus.Skipped => IntegrationEventTypes.MessageSkipped,
            SendStatus.Rejected => IntegrationEventTypes.MessageFailed,
            _ => null,
        };
        if (type is not null)
        {
            _integrationEvents.Publish(IntegrationEvent.MessageOutcome(type, send.CustomerId, send.JourneyId, send.Version, send.InstanceId, send.StepId, send.Medium,
                send.MessageId, send.IdempotencyKey, outcome.ProviderId, type == IntegrationEventTypes.MessageSent ? null : outcome.Reason, at));
        }
    }

    private static string Text(SendCommand send, SendOutcome outcome)
    {
        var message = $"{send.Medium} message {send.MessageId}";
        var text = outcome.Status switch
        {
            SendStatus.Sent => message + " sent" + (outcome.ProviderId is null ? "" : $" (provider id {outcome.ProviderId})"),
            SendStatus.Skipped => $"{message} skipped by {outcome.Reason}",
            SendStatus.Deferred => $"{message} deferred until {outcome.RetryAt:O}: {outcome.Reason}",
            SendStatus.Unknown => $"{message} outcome unknown: {outcome.Reason}",
            _ => $"{message} failed: {outcome.Reason}",
        };
        return outcome.Settlement is { } settlement ? text + "; " + settlement : text;
    }

    // The runtime's "message" entry data: the rendered content by part, then medium, message, key and outcome.
    private static Dictionary<string, string> Data(SendCommand send, string metric, IReadOnlyDictionary<string, string>? content)
    {
        var data = content is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(content, StringComparer.Ordinal);
        data["medium"] = send.Medium;
        data["message"] = send.MessageId;
        data["key"] = send.IdempotencyKey;
        data["outcome"] = metric;
        return data;
    }

    // The record batch a claim carries, applied to the instance row this process last wrote (or read now); the claim's transaction
    // is conditioned on the row's ETag. Null when the row holds the batch already.
    private async Task<InstanceDoc?> CarriedRecordWritesAsync(JourneyRecord record, List<RowWrite> writes, CancellationToken cancellationToken)
    {
        CarriedRecord(record, null);
        var key = JourneyRows.InstanceKey(record.JourneyId, record.InstanceId);
        var row = await Recent(0, record.CustomerId, key, cancellationToken).ConfigureAwait(false);
        var doc = RecordBatch.Apply(record, row is null ? null : Codec.Read<InstanceDoc>(row), writes, _options.Timeline);
        if (doc is not null)
        {
            writes.Add(RecordBatch.InstanceWrite(record.CustomerId, key, doc, row));
        }

        return doc;
    }

    // A carried batch belongs to the send's instance and does not update the profile (that one is recorded before the send).
    private static JourneyRecord CarriedRecord(JourneyRecord record, SendCommand? send)
    {
        RecordBatch.Validate(record);
        if (record.UpdatesProfile)
        {
            throw new ArgumentException(
                $"The record batch {record.Batch} of instance '{record.InstanceId}' updates the profile: record it (IJourneyRecorder) before the send, not with it.", nameof(record));
        }

        if (send is not null && (send.InstanceId != record.InstanceId || send.CustomerId != record.CustomerId || send.JourneyId != record.JourneyId))
        {
            throw new ArgumentException(
                $"SendCommand.Record must be a batch of the send's own instance '{send.InstanceId}', got one of '{record.InstanceId}'.", nameof(send));
        }

        return record;
    }

    private Task<StoredRow?> Recent(int attempt, string customerId, string rowKey, CancellationToken cancellationToken) =>
        _recent.ReadAsync(_store, Table, customerId, rowKey, attempt, cancellationToken);

    private static RowWrite ProfileWrite(string customerId, ProfileDoc doc, string? etag) =>
        new(etag is null ? WriteKind.Insert : WriteKind.Replace, Codec.Row(customerId, Codec.ProfileKey, doc, etag));

    private static void Require(string customerId, string idempotencyKey)
    {
        TableKeys.Validate(customerId, nameof(customerId));
        if (string.IsNullOrWhiteSpace(idempotencyKey))
        {
            throw new ArgumentException("idempotencyKey is required (a non-empty string).", nameof(idempotencyKey));
        }
    }
}
