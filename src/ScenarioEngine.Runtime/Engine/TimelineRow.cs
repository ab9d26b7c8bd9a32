using System.Text.Json.Serialization;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>One time-line row ("t|"): the entries written together, oldest first; stored as a JSON array of entries.</summary>
[JsonConverter(typeof(TimelineRowJsonConverter))]
public sealed class TimelineRow : IRowDocument<TimelineRow>
{
    private readonly TimelineEntry[] _entries;

    /// <summary>A row of these entries (the row keeps its own list of them; an entry is immutable).</summary>
    public TimelineRow(IEnumerable<TimelineEntry> entries) => _entries = [.. entries];

    /// <summary>The entries, oldest first.</summary>
    public IReadOnlyList<TimelineEntry> Entries => _entries;

    /// <summary>Itself: the row is immutable.</summary>
    public TimelineRow Copy() => this;
}
