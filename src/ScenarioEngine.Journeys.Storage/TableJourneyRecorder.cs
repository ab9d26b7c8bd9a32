using System.Globalization;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Runtime.Diagnostics;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Integration;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Journeys.Storage;

/// <summary>
/// Records a journey instance's batches in the customer's partition, in one transaction per batch: the instance row ("i|{journey}:
/// {instance}": state, per-step counters and the last batch applied), one time-line row per batch ("t|", the runtime's entries, read
/// by its time line and "why") and, when the batch updated the profile, the profile row (conditioned on its ETag). Counters live on
/// the customer's own instance row and are summed on read (no shared counter row); a batch applied twice finds its number on the
/// instance row and writes nothing. After a batch's commit, its exits and conversions are handed to <see cref="IIntegrationEvents"/>
/// (journey.exited, journey.converted; a batch applied twice publishes nothing again).
/// </summary>
public sealed class TableJourneyRecorder : IJourneyRecorder
{
    private const int MaxAttempts = 8;

    private readonly IRowStore _store;
    private readonly JourneyTableOptions _options;
    private readonly ILogger<TableJourneyRecorder> _logger;
    private readonly IIntegrationEvents _integrationEvents;
    private readonly RecentRows _recent;

    /// <summary>
    /// A recorder on <paramref name="store"/>, publishing exits and conversions to <paramref name="integrationEvents"/> (none when null);
    /// its conditioned writes start from the rows in <paramref name="recent"/> (shared with the send ledger; its own when null).
    /// </summary>
    public TableJourneyRecorder(IRowStore store, JourneyTableOptions options, ILogger<TableJourneyRecorder> logger, IIntegrationEvents? integrationEvents = null,
        RecentRows? recent = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        (_store, _options, _logger) = (store, options, logger);
        _integrationEvents = integrationEvents ?? NoIntegrationEvents.Instance;
        _recent = recent ?? new RecentRows();
    }

    private string Table => _options.CustomersTable;

    /// <inheritdoc />
    public async Task RecordAsync(JourneyRecord record, CancellationToken cancellationToken = default)
    {
        RecordBatch.Validate(record);
        var key = JourneyRows.InstanceKey(record.JourneyId, record.InstanceId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            // The first attempt starts from the instance row this process last wrote (the commit is conditioned on its ETag; a batch
            // number, once there, only grows).
            var row = await RecentAsync(attempt, record.CustomerId, key, cancellationToken).ConfigureAwait(false);
            var writes = new List<RowWrite>(3);
            var doc = RecordBatch.Apply(record, row is null ? null : Codec.Read<InstanceDoc>(row), writes, _options.Timeline);
            if (doc is null)
            {
                Log.BatchAlreadyApplied(_logger, record.InstanceId, record.Batch);
                return;
            }

            writes.Insert(0, RecordBatch.InstanceWrite(record.CustomerId, key, doc, row));

            if (record.Effects.OfType<ProfileUpdated>().ToList() is { Count: > 0 } updates)
            {
                writes.Add(await ProfileWriteAsync(record.CustomerId, updates, attempt, cancellationToken).ConfigureAwait(false));
            }

            var result = await _store.CommitAsync(Table, writes, cancellationToken).ConfigureAwait(false);
            if (result.Status == CommitStatus.Ok)
            {
                _recent.Remember(Table, writes, result);
                RecordBatch.Publish(_integrationEvents, record, doc.State.Step);
                return;
            }

            _recent.Forget(Table, writes);
        }

        throw new InvalidOperationException($"The rows of instance '{record.InstanceId}' kept changing; batch {record.Batch} was not recorded after {MaxAttempts} attempts (the activity is retried).");
    }

    private Task<StoredRow?> RecentAsync(int attempt, string customerId, string rowKey, CancellationToken cancellationToken) =>
        _recent.ReadAsync(_store, Table, customerId, rowKey, attempt, cancellationToken);

    private async Task<RowWrite> ProfileWriteAsync(string customerId, List<ProfileUpdated> updates, int attempt, CancellationToken cancellationToken)
    {
        var row = await RecentAsync(attempt, customerId, Codec.ProfileKey, cancellationToken).ConfigureAwait(false);
        var doc = row is null ? new ProfileDoc() : Codec.Read<ProfileDoc>(row);
        var profile = doc.ToProfile(customerId);
        foreach (var update in updates)
        {
            ProfileUpdates.Apply(profile, update.Operations);
        }

        doc.From(profile);
        return new RowWrite(row is null ? WriteKind.Insert : WriteKind.Replace, Codec.Row(customerId, Codec.ProfileKey, doc, row?.ETag));
    }
}
