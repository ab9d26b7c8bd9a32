using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>The stored form of a profile: the profile plus the recent send history used by frequency caps.</summary>
public sealed class ProfileDoc : IRowDocument<ProfileDoc>
{
    /// <summary>An empty profile.</summary>
    public ProfileDoc()
    {
        Attributes = new(StringComparer.Ordinal);
        Computed = new(StringComparer.Ordinal);
        Consent = new(StringComparer.Ordinal);
        Suppressed = new(StringComparer.Ordinal);
        Tags = [];
        Sends = [];
        Recent = [];
    }

    // A copy (see Copy): new collections, their items shared (values, strings, structs and immutable records).
    private ProfileDoc(ProfileDoc source)
    {
        Attributes = new(source.Attributes, StringComparer.Ordinal);
        Computed = new(source.Computed, StringComparer.Ordinal);
        Consent = new(source.Consent, StringComparer.Ordinal);
        Suppressed = new(source.Suppressed, StringComparer.Ordinal);
        Tags = [.. source.Tags];
        TimeZone = source.TimeZone;
        Sends = [.. source.Sends];
        TimelineSeq = source.TimelineSeq;
        Recent = [.. source.Recent];
    }

    /// <summary>Attributes.</summary>
    public Dictionary<string, Value> Attributes { get; set; }
    /// <summary>Computed values.</summary>
    public Dictionary<string, Value> Computed { get; set; }
    /// <summary>Consent per medium.</summary>
    public Dictionary<string, bool> Consent { get; set; }
    /// <summary>Suppressed media with reasons.</summary>
    public Dictionary<string, string> Suppressed { get; set; }
    /// <summary>Tags.</summary>
    public List<string> Tags { get; set; }
    /// <summary>IANA zone.</summary>
    public string? TimeZone { get; set; }
    /// <summary>Recent sends (all journeys), newest last.</summary>
    public List<SentMessage> Sends { get; set; }
    /// <summary>Number of time-line rows written (their sequence).</summary>
    public long TimelineSeq { get; set; }
    /// <summary>The recent-event log read by count conditions (bounded; see <see cref="RecentEventLog"/>).</summary>
    public List<RecentEvent> Recent { get; set; }

    /// <summary>
    /// Builds the domain profile, handing it this document's dictionaries and recent-event list rather than copies: a document is
    /// read to be turned into a profile, and <see cref="From"/> takes the profile's back before the row is written again.
    /// </summary>
    public CustomerProfile ToProfile(string customerId) =>
        new(customerId, Attributes, Computed, Consent, Suppressed, new(Tags, StringComparer.Ordinal), TimeZone, Recent);

    /// <summary>Copies a domain profile into the stored form, keeping the send history.</summary>
    public void From(CustomerProfile p)
    {
        Attributes = p.Attributes;
        Computed = p.Computed;
        Consent = p.Consent;
        Suppressed = p.Suppressed;
        // The document's own list, refilled in ordinal order (the profile has its own set: ToProfile copies it).
        var tags = Tags ?? [];
        tags.Clear();
        tags.AddRange(p.Tags);
        tags.Sort(StringComparer.Ordinal);
        Tags = tags;
        TimeZone = p.TimeZone;
        Recent = p.RecentEvents;
    }

    /// <summary>
    /// A document with <paramref name="sends"/> as its send history and everything else this one's, shared rather than copied: for a
    /// writer that changes only the history of a document it viewed (<see cref="Codec.View{T}(Storage.StoredRow)"/>), as a send's claim does.
    /// </summary>
    public ProfileDoc WithSends(List<SentMessage> sends)
    {
        ArgumentNullException.ThrowIfNull(sends);
        var doc = (ProfileDoc)MemberwiseClone(); // every member shared, so a member added later is shared too
        doc.Sends = sends;
        return doc;
    }

    /// <inheritdoc />
    public ProfileDoc Copy() => new(this);
}
