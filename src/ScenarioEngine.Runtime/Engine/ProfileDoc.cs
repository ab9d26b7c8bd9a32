using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>The stored form of a profile: the profile plus the recent send history used by frequency caps.</summary>
public sealed class ProfileDoc : IRowDocument<ProfileDoc>
{
    /// <summary>Attributes.</summary>
    public Dictionary<string, Value> Attributes { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Computed values.</summary>
    public Dictionary<string, Value> Computed { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Consent per medium.</summary>
    public Dictionary<string, bool> Consent { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Suppressed media with reasons.</summary>
    public Dictionary<string, string> Suppressed { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Tags.</summary>
    public List<string> Tags { get; set; } = [];
    /// <summary>IANA zone.</summary>
    public string? TimeZone { get; set; }
    /// <summary>Recent sends (all journeys), newest last.</summary>
    public List<SentMessage> Sends { get; set; } = [];
    /// <summary>Number of time-line rows written (their sequence).</summary>
    public long TimelineSeq { get; set; }
    /// <summary>The recent-event log read by count conditions (bounded; see <see cref="RecentEventLog"/>).</summary>
    public List<RecentEvent> Recent { get; set; } = [];

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

    /// <inheritdoc />
    public ProfileDoc Copy() => new()
    {
        Attributes = new(Attributes, StringComparer.Ordinal),
        Computed = new(Computed, StringComparer.Ordinal),
        Consent = new(Consent, StringComparer.Ordinal),
        Suppressed = new(Suppressed, StringComparer.Ordinal),
        Tags = [.. Tags],
        TimeZone = TimeZone,
        Sends = [.. Sends],
        TimelineSeq = TimelineSeq,
        Recent = [.. Recent], // the events themselves are immutable records
    };
}
