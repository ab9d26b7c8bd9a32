using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Integration;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>One customer's hot rows as read (profile, instances, outbox), and the writes a step builds on them.</summary>
internal sealed class CustomerState
{
    private readonly List<RowWrite> _writes = [];
    private readonly List<TimelineEntry> _journal = [];

    private CustomerState(string customerId) => CustomerId = customerId;

    public string CustomerId { get; }

    public ProfileDoc ProfileDoc { get; private set; } = new();

    public string? ProfileETag { get; private set; }

    public CustomerProfile Profile { get; set; } = null!;

    public Dictionary<string, (InstanceDoc Doc, string? ETag)> Instances { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, (OutboxDoc Doc, string? ETag)> Outbox { get; } = new(StringComparer.Ordinal);

    public HashSet<string> DirtyInstances { get; } = new(StringComparer.Ordinal);

    public List<TimerMessage> Timers { get; } = [];

    public List<DispatchMessage> Dispatches { get; } = [];

    /// <summary>Integration events of the writes being built, published once they commit.</summary>
    public List<IntegrationEvent> Happened { get; } = [];

    public static CustomerState From(string customerId, IReadOnlyList<StoredRow> rows)
    {
        var s = new CustomerState(customerId);
        foreach (var row in rows)
        {
            if (row.RowKey == Codec.ProfileKey)
            {
                s.ProfileDoc = Codec.Read<ProfileDoc>(row);
                s.ProfileETag = row.ETag;
            }
            else if (row.RowKey.StartsWith(Codec.InstancePrefix, StringComparison.Ordinal))
            {
                s.Instances[row.RowKey] = (Codec.Read<InstanceDoc>(row), row.ETag);
            }
            else if (row.RowKey.StartsWith(Codec.OutboxPrefix, StringComparison.Ordinal))
            {
                s.Outbox[row.RowKey] = (Codec.Read<OutboxDoc>(row), row.ETag);
            }
        }

        s.Profile = s.ProfileDoc.ToProfile(customerId);
        return s;
    }

    public void Note(TimelineEntry entry) => _journal.Add(entry);

    public void Write(RowWrite write) => _writes.Add(write);

    /// <summary>
    /// After a successful commit of <paramref name="batch"/>: takes the new ETags into the rows as read and starts a fresh batch, so the
    /// state can be written again without reading the partition. False when the provider gave no ETags (then re-read).
    /// </summary>
    public bool AfterCommit(IReadOnlyList<RowWrite> batch, CommitResult result)
    {
        if (result.Status != CommitStatus.Ok || result.ETags is not { } etags || etags.Count != batch.Count)
        {
            return false;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var (kind, key) = (batch[i].Kind, batch[i].Row.RowKey);
            if (kind != WriteKind.Delete && etags[i] is null)
            {
                return false;
            }

            if (key == Codec.ProfileKey)
            {
                ProfileETag = etags[i];
            }
            else if (Instances.TryGetValue(key, out var instance))
            {
                Instances[key] = (instance.Doc, etags[i]);
            }
            else if (Outbox.TryGetValue(key, out var outbox))
            {
                if (kind == WriteKind.Delete)
                {
                    Outbox.Remove(key);
                }
                else
                {
                    Outbox[key] = (outbox.Doc, etags[i]);
                }
            }
        }

        _writes.Clear();
        _journal.Clear();
        DirtyInstances.Clear();
        return true;
    }

    /// <summary>Builds the batch: the extra writes, dirty instances, one time-line row for the journal, and the profile (always, so its ETag serialises writers).</summary>
    public List<RowWrite> BuildBatch(DateTimeOffset now, TimeSpan historyWindow)
    {
        var batch = new List<RowWrite>(_writes);
        foreach (var key in DirtyInstances)
        {
            var (doc, etag) = Instances[key];
            var row = RowWriter.Row(CustomerId, key, doc, etag);
            batch.Add(new RowWrite(etag is null ? WriteKind.Insert : WriteKind.Replace, row));
        }

        if (_journal.Count > 0)
        {
            ProfileDoc.TimelineSeq++;
            batch.Add(new RowWrite(WriteKind.Insert, RowWriter.Row(CustomerId, Codec.TimelineKey(ProfileDoc.TimelineSeq), _journal)));
        }

        ProfileDoc.From(Profile);
        ProfileDoc.Sends.RemoveAll(s => s.SentAt < now - historyWindow);
        var profileRow = RowWriter.Row(CustomerId, Codec.ProfileKey, ProfileDoc, ProfileETag);
        batch.Add(new RowWrite(ProfileETag is null ? WriteKind.Insert : WriteKind.Replace, profileRow));
        return batch;
    }
}
