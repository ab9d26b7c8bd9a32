using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Integration;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>One customer's hot rows as read (profile, instances), and the writes and instance actions applying events builds on them.</summary>
internal sealed class CustomerState
{
    private readonly List<RowWrite> _writes = [];
    private readonly List<TimelineEntry> _journal = [];
    private readonly bool _timeline;

    private CustomerState(string customerId, bool timeline) => (CustomerId, _timeline) = (customerId, timeline);

    public string CustomerId { get; }

    public ProfileDoc ProfileDoc { get; private set; } = null!;

    public string? ProfileETag { get; private set; }

    /// <summary>The profile as the events applied so far left it (read it here; change it through <see cref="ProfileToChange"/>).</summary>
    public CustomerProfile Profile { get; private set; } = null!;

    // Whether a start or raise holds the profile as it is (TakeProfile): the next change is made to a copy, so what it holds stays.
    private bool _profileTaken;

    /// <summary>
    /// The profile as it is now, for a start or raise to hold: nothing changes it afterwards (the next event applied changes a copy,
    /// the batch's profile row keeps its collections, and a journey changes a profile only on a copy of its own).
    /// </summary>
    public CustomerProfile TakeProfile()
    {
        _profileTaken = true;
        return Profile;
    }

    /// <summary>The profile for applying an event to: a copy when a start or raise holds the current one.</summary>
    public CustomerProfile ProfileToChange()
    {
        if (_profileTaken)
        {
            Profile = Profile.Clone();
            _profileTaken = false;
        }

        return Profile;
    }

    /// <summary>
    /// The customer's instance rows: as the rows hold them (<see cref="Codec.View{T}(StoredRow)"/>; applying events reads their states and
    /// never changes them), or new ones written with the batch. A reader that changes one copies it first.
    /// </summary>
    public Dictionary<string, (InstanceDoc Doc, string? ETag)> Instances { get; } = new(StringComparer.Ordinal);

    public HashSet<string> DirtyInstances { get; } = new(StringComparer.Ordinal);

    /// <summary>Starts and raises of the writes being built, done once they commit.</summary>
    public List<IngestAction> Actions { get; } = [];

    /// <summary>Integration events of the writes being built, published once they commit.</summary>
    public List<IntegrationEvent> Happened { get; } = [];

    public static CustomerState From(string customerId, IReadOnlyList<StoredRow> rows, bool timeline)
    {
        var s = new CustomerState(customerId, timeline);
        ProfileDoc? profile = null;
        foreach (var row in rows)
        {
            if (row.RowKey == Codec.ProfileKey)
            {
                profile = Codec.Read<ProfileDoc>(row);
                s.ProfileETag = row.ETag;
            }
            else if (row.RowKey.StartsWith(Codec.InstancePrefix, StringComparison.Ordinal))
            {
                s.Instances[row.RowKey] = (Codec.View<InstanceDoc>(row), row.ETag);
            }
        }

        s.ProfileDoc = profile ?? new ProfileDoc(); // none before a customer's first event
        s.Profile = s.ProfileDoc.ToProfile(customerId);
        return s;
    }

    /// <summary>Notes a time-line entry for the batch; none when the engine keeps no time line (<see cref="EngineOptions.Timeline"/>).</summary>
    public void Note(TimelineEntry entry)
    {
        if (_timeline)
        {
            _journal.Add(entry);
        }
    }

    public void Write(RowWrite write) => _writes.Add(write);

    /// <summary>Builds the batch: the extra writes, dirty instances, one time-line row for the journal, and the profile (always, so its ETag serialises writers).</summary>
    public List<RowWrite> BuildBatch(DateTimeOffset now, TimeSpan historyWindow)
    {
        var batch = new List<RowWrite>(_writes);
        foreach (var key in DirtyInstances)
        {
            var (doc, etag) = Instances[key];
            var row = Codec.Row(CustomerId, key, doc, etag);
            batch.Add(new RowWrite(etag is null ? WriteKind.Insert : WriteKind.Replace, row));
        }

        if (_journal.Count > 0)
        {
            ProfileDoc.TimelineSeq++;
            batch.Add(new RowWrite(WriteKind.Insert, Codec.Row(CustomerId, Codec.TimelineKey(ProfileDoc.TimelineSeq), new TimelineRow(_journal))));
        }

        ProfileDoc.From(Profile);
        ProfileDoc.Sends.RemoveAll(s => s.SentAt < now - historyWindow);
        var profileRow = Codec.Row(CustomerId, Codec.ProfileKey, ProfileDoc, ProfileETag);
        batch.Add(new RowWrite(ProfileETag is null ? WriteKind.Insert : WriteKind.Replace, profileRow));
        return batch;
    }
}
