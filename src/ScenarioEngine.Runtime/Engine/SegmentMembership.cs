using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>The segments a customer entered and left in one evaluation.</summary>
public sealed record SegmentChanges(IReadOnlyList<string> Entered, IReadOnlyList<string> Left)
{
    /// <summary>No change.</summary>
    public static readonly SegmentChanges None = new([], []);

    /// <summary>True when nothing changed.</summary>
    public bool IsEmpty => Entered.Count == 0 && Left.Count == 0;
}

/// <summary>
/// Evaluates the catalog's JSON segments for a profile and keeps the computed value <c>segments.current</c> (the path <c>segments</c> in conditions): the sorted ids of the segments
/// the customer is in. Ids of segments no longer in the catalog are left as they are (neither evaluated nor dropped), so a catalog
/// that is still loading never makes everyone leave and enter again.
/// </summary>
public static class SegmentMembership
{
    /// <summary>The ids in the profile's <c>segments.current</c> value.</summary>
    public static IReadOnlyList<string> Of(CustomerProfile profile) =>
        profile.Computed.TryGetValue(Segment.ComputedKey, out var v) ? v.AsList.Select(x => x.AsString).OfType<string>().ToList() : [];

    /// <summary>What evaluating the segments at <paramref name="now"/> would change, without changing the profile.</summary>
    public static SegmentChanges Evaluate(CustomerProfile profile, IReadOnlyList<Segment> segments, DateTimeOffset now)
    {
        if (segments.Count == 0)
        {
            return SegmentChanges.None;
        }

        var current = new HashSet<string>(Of(profile), StringComparer.Ordinal);
        List<string>? entered = null, left = null;
        foreach (var segment in segments)
        {
            var member = segment.Contains(profile, now);
            if (member && !current.Contains(segment.Id))
            {
                (entered ??= []).Add(segment.Id);
            }
            else if (!member && current.Contains(segment.Id))
            {
                (left ??= []).Add(segment.Id);
            }
        }

        return entered is null && left is null ? SegmentChanges.None : new SegmentChanges(entered ?? [], left ?? []);
    }

    /// <summary>Evaluates the segments and writes the new membership into the profile; returns the changes.</summary>
    public static SegmentChanges Update(CustomerProfile profile, IReadOnlyList<Segment> segments, DateTimeOffset now)
    {
        var changes = Evaluate(profile, segments, now);
        if (changes.IsEmpty)
        {
            return changes;
        }

        var ids = new SortedSet<string>(Of(profile), StringComparer.Ordinal);
        ids.UnionWith(changes.Entered);
        ids.ExceptWith(changes.Left);
        profile.Computed[Segment.ComputedKey] = Value.From(ids.Select(Value.From).ToArray());
        return changes;
    }
}
