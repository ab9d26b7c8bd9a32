using System.Globalization;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Runtime.Diagnostics;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Integration;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Journeys.Storage;

/// <summary>
/// How a record batch lands on a customer's rows, shared by the recorder (a batch on its own) and the send ledger (a batch carried by
/// a send, in the send's first transaction): the instance row's state, per-step counters and batch number, and one time-line row.
/// </summary>
internal static class RecordBatch
{
    /// <summary>
    /// Applies <paramref name="record"/> to the instance row's document as read (null: no row yet) and adds its time-line row to
    /// <paramref name="writes"/> (when <paramref name="timeline"/>, <see cref="JourneyTableOptions.Timeline"/>); returns the document to write, or null when the row holds this batch already (a batch number only grows).
    /// </summary>
    public static InstanceDoc? Apply(JourneyRecord record, InstanceDoc? doc, List<RowWrite> writes, bool timeline)
    {
        if (doc is not null && doc.Batch >= record.Batch)
        {
            return null;
        }

        var state = record.Instance ?? doc?.State
            ?? throw new ArgumentException($"JourneyRecord.{nameof(JourneyRecord.Instance)} is required for the first batch of instance '{record.InstanceId}'.", nameof(record));
        doc ??= new InstanceDoc { State = state };
        doc.State = state;
        doc.Batch = record.Batch;
        var entries = Entries(record, doc);
        if (timeline && entries.Count > 0)
        {
            writes.Add(new RowWrite(WriteKind.Upsert, Codec.Row(record.CustomerId, JourneyRows.TimelineKey(record.At, record.InstanceId, record.Batch), new TimelineRow(entries))));
        }

        return doc;
    }

    /// <summary>The write of the instance row: an insert when there was none, else a replace at the ETag read.</summary>
    public static RowWrite InstanceWrite(string customerId, string key, InstanceDoc doc, StoredRow? row) =>
        new(row is null ? WriteKind.Insert : WriteKind.Replace, Codec.Row(customerId, key, doc, row?.ETag));

    // The committed batch's exits and conversions, counted and handed to the shop's other systems.
    public static void Publish(IIntegrationEvents integrationEvents, JourneyRecord record, string? stepId)
    {
        foreach (var effect in record.Effects)
        {
            switch (effect)
            {
                case Converted c:
                    EngineMeter.JourneyConverted(record.JourneyId);
                    integrationEvents.Publish(IntegrationEvent.JourneyConverted(record.CustomerId, record.JourneyId, record.Version, record.InstanceId, c.EventId, record.At));
                    break;
                case Exited x:
                    EngineMeter.JourneyExited(record.JourneyId, x.Reason);
                    integrationEvents.Publish(IntegrationEvent.JourneyExited(record.CustomerId, record.JourneyId, record.Version, record.InstanceId, stepId, x.Reason, record.At));
                    break;
            }
        }
    }

    // Counts the batch's effects on the instance row and turns them into time-line entries, as the runtime did.
    private static List<TimelineEntry> Entries(JourneyRecord record, InstanceDoc doc)
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

    public static void Validate(JourneyRecord record)
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
