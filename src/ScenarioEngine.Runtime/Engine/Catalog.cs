using ScenarioEngine.Analytics;
using ScenarioEngine.Core.Language;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>Whether a journey takes new entrants.</summary>
public enum JourneyState
{
    /// <summary>Live: new customers enter.</summary>
    Active,
    /// <summary>No new entrants; customers already in it go on.</summary>
    Paused,
    /// <summary>Retired: no new entrants; customers already in it go on; hidden from lists by default.</summary>
    Archived,
}

/// <summary>The published journeys (every version, immutable) and messages the engine runs.</summary>
public sealed class Catalog
{
    private volatile Snapshot _snapshot = new([], new Dictionary<string, MessageDocument>(StringComparer.Ordinal), new Dictionary<string, Segment>(StringComparer.Ordinal));

    /// <summary>
    /// Segment ids a JSON segment may not take: the eleven RFM segments, for which the daily analytics job emits segment.entered and
    /// segment.left itself. Pass them to <see cref="SegmentParser.Parse(string, IReadOnlySet{string})"/>.
    /// </summary>
    public static IReadOnlySet<string> ReservedSegmentIds { get; } =
        new HashSet<string>(RfmSegments.All.Select(RfmSegments.Id), StringComparer.Ordinal);

    private sealed record Entry(SortedList<int, Journey> Versions, JourneyState State);

    private sealed record Snapshot(Dictionary<string, Entry> Journeys, IReadOnlyDictionary<string, MessageDocument> Messages, IReadOnlyDictionary<string, Segment> SegmentsById)
    {
        public IReadOnlyList<Journey> Live { get; } = Journeys.Values.Where(e => e.State == JourneyState.Active).Select(e => e.Versions.Values[^1]).ToList();

        public IReadOnlyList<Segment> Segments { get; } = SegmentsById.Values.OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The latest version of every active journey (these take new entrants).</summary>
    public IReadOnlyList<Journey> Live => _snapshot.Live;

    /// <summary>The messages by id.</summary>
    public IReadOnlyDictionary<string, MessageDocument> Messages => _snapshot.Messages;

    /// <summary>The JSON segments, by id (ordinal); membership is evaluated on every event and by the daily job.</summary>
    public IReadOnlyList<Segment> Segments => _snapshot.Segments;

    /// <summary>A segment by id, or null.</summary>
    public Segment? FindSegment(string segmentId) => _snapshot.SegmentsById.GetValueOrDefault(segmentId);

    /// <summary>Adds or replaces segments (a replaced segment's members are re-evaluated with their next event or the daily job).</summary>
    /// <exception cref="ArgumentException">A segment has a reserved id (<see cref="ReservedSegmentIds"/>).</exception>
    public void PutSegments(IEnumerable<Segment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var s = _snapshot;
        var all = new Dictionary<string, Segment>(s.SegmentsById, StringComparer.Ordinal);
        foreach (var segment in segments)
        {
            if (ReservedSegmentIds.Contains(segment.Id))
            {
                throw new ArgumentException($"segment id '{segment.Id}' is reserved for the RFM segments of the analytics job", nameof(segments));
            }

            all[segment.Id] = segment;
        }

        _snapshot = new Snapshot(s.Journeys, s.Messages, all);
    }

    /// <summary>Replaces every segment at once (after loading them from the definition store); ids no longer present are removed as by <see cref="RemoveSegment"/>.</summary>
    /// <exception cref="ArgumentException">A segment has a reserved id (<see cref="ReservedSegmentIds"/>).</exception>
    public void ReplaceSegments(IEnumerable<Segment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var all = new Dictionary<string, Segment>(StringComparer.Ordinal);
        foreach (var segment in segments)
        {
            if (ReservedSegmentIds.Contains(segment.Id))
            {
                throw new ArgumentException($"segment id '{segment.Id}' is reserved for the RFM segments of the analytics job", nameof(segments));
            }

            all[segment.Id] = segment;
        }

        var s = _snapshot;
        _snapshot = new Snapshot(s.Journeys, s.Messages, all);
    }

    /// <summary>
    /// Removes a segment; returns false when there was none. Customers keep its id in their segments value (no segment.left is
    /// emitted for a removed segment), so re-adding it does not make its members enter again.
    /// </summary>
    public bool RemoveSegment(string segmentId)
    {
        var s = _snapshot;
        if (!s.SegmentsById.ContainsKey(segmentId))
        {
            return false;
        }

        var all = new Dictionary<string, Segment>(s.SegmentsById, StringComparer.Ordinal);
        all.Remove(segmentId);
        _snapshot = new Snapshot(s.Journeys, s.Messages, all);
        return true;
    }

    /// <summary>A specific version (customers stay on the version they entered).</summary>
    public Journey? Find(string journeyId, int version) =>
        _snapshot.Journeys.TryGetValue(journeyId, out var e) && e.Versions.TryGetValue(version, out var j) ? j : null;

    /// <summary>The latest version.</summary>
    public Journey? Latest(string journeyId) => _snapshot.Journeys.TryGetValue(journeyId, out var e) ? e.Versions.Values[^1] : null;

    /// <summary>Every journey id with its versions and state.</summary>
    public IReadOnlyList<(string Id, IReadOnlyList<int> Versions, JourneyState State)> List() =>
        _snapshot.Journeys.Select(kv => (kv.Key, (IReadOnlyList<int>)kv.Value.Versions.Keys.ToList(), kv.Value.State)).OrderBy(x => x.Key, StringComparer.Ordinal).ToList();

    /// <summary>Replaces the journeys and messages (after loading from the definition store); segments are kept (see <see cref="PutSegments"/>).</summary>
    public void Load(IEnumerable<Journey> versions, IEnumerable<(string Id, JourneyState State)> states, IEnumerable<MessageDocument> messages)
    {
        var stateById = states.ToDictionary(s => s.Id, s => s.State, StringComparer.Ordinal);
        var journeys = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var j in versions)
        {
            if (!journeys.TryGetValue(j.Id, out var e))
            {
                e = new Entry(new SortedList<int, Journey>(), stateById.GetValueOrDefault(j.Id, JourneyState.Active));
                journeys[j.Id] = e;
            }

            e.Versions[j.Version] = j;
        }

        _snapshot = new Snapshot(journeys, messages.ToDictionary(m => m.Id, StringComparer.Ordinal), _snapshot.SegmentsById);
    }

    /// <summary>Adds a published version (Active unless the journey has another state).</summary>
    public void Publish(Journey journey)
    {
        var s = _snapshot;
        var journeys = new Dictionary<string, Entry>(s.Journeys, StringComparer.Ordinal);
        var versions = journeys.TryGetValue(journey.Id, out var e) ? new SortedList<int, Journey>(e.Versions) : new SortedList<int, Journey>();
        versions[journey.Version] = journey;
        journeys[journey.Id] = new Entry(versions, e?.State ?? JourneyState.Active);
        _snapshot = new Snapshot(journeys, s.Messages, s.SegmentsById);
    }
}
