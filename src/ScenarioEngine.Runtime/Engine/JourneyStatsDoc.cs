namespace ScenarioEngine.Runtime.Engine;

/// <summary>
/// A journey's counts aggregated over its instances as of a moment: the row the counts job writes per journey in the stats table
/// (<see cref="EngineOptions.StatsTable"/>, partition = journey id, row "counts"), so a dashboard reads one row per journey.
/// </summary>
public sealed record JourneyStatsDoc(
    DateTimeOffset AsOf, int Entered, int Active, int Holdout, int Converted, int HoldoutConverted,
    IReadOnlyDictionary<string, int> Counts, IReadOnlyDictionary<string, int> Variants, IReadOnlyDictionary<string, int> Waiting) : IRowDocument<JourneyStatsDoc>
{
    /// <summary>The row key of the counts row in a journey's partition.</summary>
    public const string RowKey = "counts";

    /// <summary>Itself: the document is immutable.</summary>
    public JourneyStatsDoc Copy() => this;
}
