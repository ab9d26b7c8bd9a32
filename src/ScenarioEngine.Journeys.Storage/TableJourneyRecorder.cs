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
        Validate(record);
        var key = JourneyRows.InstanceKey(record.JourneyId, record.InstanceId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            // The first attempt starts from the instance row this process last wrote (the commit is conditioned on its ETag; a batch
            // number, once there, only grows).
            var row = await RecentAsync(attempt, record.CustomerId, key, cancellationToken).ConfigureAwait(false);
            var doc = row is null ? null : Codec.Read<RecordedInstanceDoc>(row);
            if (doc is not null && doc.Batch >= record.Batch)
            {
                Log.BatchAlreadyApplied(_logger, record.InstanceId, record.Batch);
                return;
            }

            var state = record.Instance ?? doc?.State
                ?? throw new ArgumentException($"JourneyRecord.{nameof(JourneyRecord.Instance)} is required for the first batch of instance '{record.InstanceId}'.", nameof(record));
            doc ??= new RecordedInstanceDoc { State = state };
            doc.State = state;
            doc.Batch = record.Batch;
            var entries = Apply(record, doc);
            var writes = new List<RowWrite>(3)
            {
                new(row is null ? WriteKind.Insert : WriteKind.Replace, new StoredRow(record.CustomerId, key, Codec.Write(doc), row?.ETag)),
            };
            if (entries.Count > 0)
            {
                writes.Add(new RowWrite(WriteKind.Upsert, new StoredRow(record.CustomerId, JourneyRows.TimelineKey(record.At, record.InstanceId, record.Batch), Codec.Write(entries))));
            }

            if (record.Effects.OfType<ProfileUpdated>().ToList() is { Count: > 0 } updates)
            {
                writes.Add(await ProfileWriteAsync(record.CustomerId, updates, attempt, cancellationToken).ConfigureAwait(false));
            }

            var result = await _store.CommitAsync(Table, writes, cancellationToken).ConfigureAwait(false);
            if (result.Status == CommitStatus.Ok)
            {
                _recent.Remember(Table, writes, result);
                Publish(record, doc.State.Step);
                return;
            }

            foreach (var write in writes)
            {
                _recent.Forget(Table, write.Row.PartitionKey, write.Row.RowKey);
            }
        }

        throw new InvalidOperationException($"The rows of instance '{record.InstanceId}' kept changing; batch {record.Batch} was not recorded after {MaxAttempts} attempts (the activity is retried).");
    }

    // The committed batch's exits and conversions, counted and handed to the shop's other systems.
    private void Publish(JourneyRecord record, string? stepId)
    {
        foreach (var effect in record.Effects)
        {
            switch (effect)
            {
                case Converted c:
                    EngineMeter.JourneyConverted(record.JourneyId);
                    _integrationEvents.Publish(IntegrationEvent.JourneyConverted(record.CustomerId, record.JourneyId, record.Version, record.InstanceId, c.EventId, record.At));
                    break;
                case Exited x:
                    EngineMeter.JourneyExited(record.JourneyId, x.Reason);
                    _integrationEvents.Publish(IntegrationEvent.JourneyExited(record.CustomerId, record.JourneyId, record.Version, record.InstanceId, stepId, x.Reason, record.At));
                    break;
            }
        }
    }

    // On a first attempt, the row this process last read or wrote, if it has it; otherwise (or on a retry after a failed condition) a read.
    private Task<StoredRow?> RecentAsync(int attempt, string customerId, string rowKey, CancellationToken cancellationToken) =>
        attempt == 0 && _recent.Find(Table, customerId, rowKey) is { } known
            ? Task.FromResult<StoredRow?>(known)
            : _store.GetAsync(Table, customerId, rowKey, cancellationToken);

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
        return new RowWrite(row is null ? WriteKind.Insert : WriteKind.Replace, new StoredRow(customerId, Codec.ProfileKey, Codec.Write(doc), row?.ETag));
    }

    // Counts the batch's effects on the instance row and turns them into time-line entries, as the runtime did.
    private static List<TimelineEntry> Apply(JourneyRecord record, RecordedInstanceDoc doc)
    {
        var entries = new List<TimelineEntry>();
        var at = record.At;
        var journey = record.JourneyId;
        foreach (var effect in record.Effects)
        {
            switch (effect)
            {
                case StepEntered s:
                    doc.Count(s.StepId, "entered");
                    break;
                case SendHeldOut s:
                    doc.Count(s.StepId, "heldOut");
                    entries.Add(new TimelineEntry(at, "decision", journey, s.StepId, $"holdout: {s.Medium} message {s.Message} not sent"));
                    break;
                case DecisionMade d:
                    entries.Add(new TimelineEntry(at, "decision", journey, d.StepId, $"-> {d.Outcome}: {d.Reason}"));
                    break;
                case ProfileUpdated p:
                    entries.Add(new TimelineEntry(at, "journey", journey, p.StepId, "profile updated: " + string.Join(", ", p.Operations.Select(o => $"{o.Kind} {o.Name}"))));
                    break;
                case Converted c:
                    doc.Count("(goal)", "converted");
                    entries.Add(new TimelineEntry(at, "journey", journey, null, $"converted (goal event {c.EventId})"));
                    break;
                case Exited x:
                    doc.Count("(exit)", x.Reason);
                    entries.Add(new TimelineEntry(at, "journey", journey, doc.State.Step, $"exited: {x.Reason}"));
                    break;
            }
        }

        if (record.Batch == 1)
        {
            entries.Insert(0, new TimelineEntry(at, "journey", journey, null, "entered version " + record.Version.ToString(CultureInfo.InvariantCulture)));
        }

        return entries;
    }

    private static void Validate(JourneyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        TableKeys.Validate(record.CustomerId, nameof(JourneyRecord.CustomerId));
        foreach (var (value, name) in new[] { (record.InstanceId, nameof(JourneyRecord.InstanceId)), (record.JourneyId, nameof(JourneyRecord.JourneyId)) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"JourneyRecord.{name} is required (a non-empty string).", name);
            }
        }

        if (record.Batch < 1)
        {
            throw new ArgumentException($"JourneyRecord.{nameof(JourneyRecord.Batch)} must be 1 or more, got {record.Batch}.", nameof(JourneyRecord.Batch));
        }
    }
}
