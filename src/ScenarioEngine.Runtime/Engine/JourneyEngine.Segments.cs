using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ScenarioEngine.Analytics;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Export;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>The column layout of a segment export.</summary>
public enum SegmentExportFormat
{
    /// <summary>Meta (Facebook) customer list: columns <c>email,extern_id</c> (hashed e-mail, then the customer id).</summary>
    Meta,

    /// <summary>Google Ads Customer Match: one column <c>Email</c> (hashed e-mail); Google's template takes no other identifier.</summary>
    Google,
}

/// <summary>What a segment export wrote and left out.</summary>
/// <param name="Members">Customers in the segment.</param>
/// <param name="Exported">Rows written.</param>
/// <param name="NoConsent">Members left out because they have not consented to ads (consent.ads).</param>
/// <param name="NoEmail">Members with ads consent left out because they have no usable e-mail address.</param>
public sealed record SegmentExportResult(int Members, int Exported, int NoConsent, int NoEmail);

/// <summary>NPS over the customers' answers.</summary>
/// <param name="Overall">Each respondent's latest answer.</param>
/// <param name="ByMonth">Every answer kept in the customers' history (the last 24 each), by the month it was given in (yyyy-MM, in the answer's own offset).</param>
/// <param name="ByJourney">Every kept answer whose nps.response event named a journey (property journey), by journey.</param>
/// <param name="ByRfmSegment">Each respondent's latest answer, by their current RFM segment (rfm.segment).</param>
/// <param name="BySegment">Each respondent's latest answer, by every JSON segment they are in now.</param>
public sealed record NpsReport(
    NpsResult Overall,
    IReadOnlyDictionary<string, NpsResult> ByMonth,
    IReadOnlyDictionary<string, NpsResult> ByJourney,
    IReadOnlyDictionary<string, NpsResult> ByRfmSegment,
    IReadOnlyDictionary<string, NpsResult> BySegment);

public sealed partial class JourneyEngine
{
    /// <summary>
    /// Writes the members of a segment as a CSV file for an ad platform's customer-match upload: each member's e-mail address
    /// normalised (trimmed, lower-cased) and SHA-256 hashed (64 lower-case hex digits), with the customer id as Meta's extern_id.
    /// Members without consent for ads (consent.ads true) or without an e-mail address are left out. The segment is a JSON segment
    /// (membership as last evaluated, in the computed value segments) or one of the RFM segment ids (rfm.segment). A scan of every
    /// profile, in customer-id order.
    /// </summary>
    public async Task<SegmentExportResult> ExportSegmentCsvAsync(string segmentId, TextWriter writer, SegmentExportFormat format = SegmentExportFormat.Meta,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(segmentId);
        ArgumentNullException.ThrowIfNull(writer);
        var rfm = Catalog.ReservedSegmentIds.Contains(segmentId);
        await writer.WriteAsync(CsvFormat.Row(format == SegmentExportFormat.Google ? ["Email"] : ["email", "extern_id"], "\n")).ConfigureAwait(false);
        int members = 0, exported = 0, noConsent = 0, noEmail = 0;
        await foreach (var row in _store.ScanAsync(Table, Codec.ProfileKey, cancellationToken).ConfigureAwait(false))
        {
            var profile = Codec.Read<ProfileDoc>(row).ToProfile(row.PartitionKey);
            var member = rfm
                ? profile.Computed.TryGetValue("rfm.segment", out var s) && s.AsString == segmentId
                : SegmentMembership.Of(profile).Contains(segmentId, StringComparer.Ordinal);
            if (!member)
            {
                continue;
            }

            members++;
            if (!profile.Consent.GetValueOrDefault("ads"))
            {
                noConsent++;
                continue;
            }

            var hash = profile.Attributes.TryGetValue("email", out var e) ? HashEmail(e.AsString) : null;
            if (hash is null)
            {
                noEmail++;
                continue;
            }

            exported++;
            await writer.WriteAsync(CsvFormat.Row(format == SegmentExportFormat.Google ? [hash] : [hash, profile.CustomerId], "\n")).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new SegmentExportResult(members, exported, noConsent, noEmail);
    }

    /// <summary>
    /// The customer-match form of an e-mail address: trimmed, lower-cased (invariant), UTF-8, SHA-256, lower-case hex; null when
    /// the text is empty or has no '@' with something on both sides.
    /// </summary>
    public static string? HashEmail(string? email)
    {
        var normalised = email?.Trim().ToLowerInvariant();
        var at = normalised?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        if (normalised is null || at <= 0 || at == normalised.Length - 1)
        {
            return null;
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
    }

    /// <summary>NPS from the profiles' answers (nps.score and the compact history nps.history): overall, by month, journey and segment. A scan.</summary>
    public async Task<NpsReport> GetNpsAsync(CancellationToken cancellationToken = default)
    {
        var latest = new List<(int Rating, string? Rfm, IReadOnlyList<string> Segments)>();
        var history = new List<NpsResponse>();
        await foreach (var row in _store.ScanAsync(Table, Codec.ProfileKey, cancellationToken).ConfigureAwait(false))
        {
            var doc = Codec.Read<ProfileDoc>(row);
            var computed = doc.Computed;
            if (computed.TryGetValue("nps.score", out var score) && Rating(score) is { } rating)
            {
                latest.Add((rating, computed.TryGetValue("rfm.segment", out var rfm) ? rfm.AsString : null, SegmentMembership.Of(doc.ToProfile(row.PartitionKey))));
            }

            if (computed.TryGetValue("nps.history", out var h))
            {
                foreach (var entry in h.AsList)
                {
                    if (entry.AsList is [var at, var s, ..] && at.TryGetTime(out var when) && Rating(s) is { } r)
                    {
                        var journey = entry.AsList.Count > 2 ? entry.AsList[2].AsString : null;
                        history.Add(new NpsResponse(row.PartitionKey, when, r, journey));
                    }
                }
            }
        }

        var bySegment = latest.SelectMany(l => l.Segments.Select(s => (Segment: s, l.Rating)));
        return new NpsReport(
            Nps.Score(latest.Select(l => l.Rating)),
            Sorted(Nps.ByMonth(history).ToDictionary(kv => kv.Key.ToString("yyyy-MM", CultureInfo.InvariantCulture), kv => kv.Value)),
            Sorted(Nps.ByJourney(history)),
            Sorted(Nps.ScoreBy(latest.Where(l => l.Rfm is not null), l => l.Rfm!, l => l.Rating)),
            Sorted(Nps.ScoreBy(bySegment, x => x.Segment, x => x.Rating)));
    }

    /// <summary>A 0..10 answer as the whole-number rating NPS classifies (fractions round down, as nps.category does).</summary>
    private static int? Rating(Value v) => v.TryGetNumber(out var n) && n is >= 0 and <= 10 ? (int)Math.Floor(n) : null;

    private static SortedDictionary<string, NpsResult> Sorted(IEnumerable<KeyValuePair<string, NpsResult>> items) =>
        new(items.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal), StringComparer.Ordinal);
}
