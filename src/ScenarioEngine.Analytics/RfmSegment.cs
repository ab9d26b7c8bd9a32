namespace ScenarioEngine.Analytics;

/// <summary>The eleven named RFM segments; <see cref="RfmSegments.Id"/> gives each its kebab-case id.</summary>
public enum RfmSegment
{
    /// <summary>Bought recently, buy often and spend the most ("champions").</summary>
    Champions,

    /// <summary>Buy regularly with good spend ("loyal").</summary>
    Loyal,

    /// <summary>Recent buyers with modest frequency and spend ("potential-loyalists").</summary>
    PotentialLoyalists,

    /// <summary>Bought very recently, little history yet ("new").</summary>
    New,

    /// <summary>Recent buyers with little history ("promising").</summary>
    Promising,

    /// <summary>Middling recency, frequency and spend ("need-attention").</summary>
    NeedAttention,

    /// <summary>Middling recency, low frequency and spend ("about-to-sleep").</summary>
    AboutToSleep,

    /// <summary>Good history but have not bought for a while ("at-risk").</summary>
    AtRisk,

    /// <summary>Former top customers who have not bought for a long time ("cannot-lose").</summary>
    CannotLose,

    /// <summary>Low value and long inactive ("hibernating").</summary>
    Hibernating,

    /// <summary>Lowest recency, frequency and spend ("lost").</summary>
    Lost,
}

/// <summary>One rectangle of the segment grid: recency scores and frequency-monetary bands (inclusive) that map to a segment.</summary>
/// <param name="Segment">The segment the rectangle belongs to.</param>
/// <param name="MinRecency">Lowest recency score in the rectangle.</param>
/// <param name="MaxRecency">Highest recency score in the rectangle.</param>
/// <param name="MinFrequencyMonetary">Lowest frequency-monetary band in the rectangle.</param>
/// <param name="MaxFrequencyMonetary">Highest frequency-monetary band in the rectangle.</param>
public sealed record RfmSegmentRule(RfmSegment Segment, int MinRecency, int MaxRecency, int MinFrequencyMonetary, int MaxFrequencyMonetary)
{
    /// <summary>Whether a recency score and frequency-monetary band fall in this rectangle.</summary>
    public bool Matches(int recency, int frequencyMonetaryBand) =>
        recency >= MinRecency && recency <= MaxRecency
        && frequencyMonetaryBand >= MinFrequencyMonetary && frequencyMonetaryBand <= MaxFrequencyMonetary;
}

/// <summary>Maps RFM scores to the eleven named segments on the recency versus frequency-monetary grid, and names them.</summary>
/// <remarks>
/// The grid has recency score 1..5 on one axis and the frequency-monetary band, floor((F + M) / 2), on
/// the other. The rectangles follow the widely used R versus FM-average table (champions R 4-5 / FM 4-5,
/// loyal R 2-5 / FM 3-5, potential loyalists R 3-5 / FM 1-3, and so on), with its overlapping edges
/// resolved so that every one of the 25 cells, and so every one of the 125 scores, belongs to exactly one
/// segment. The table is in docs/analytics.md.
/// </remarks>
public static class RfmSegments
{
    /// <summary>The grid rectangles; together they cover every (recency, frequency-monetary band) cell exactly once.</summary>
    public static IReadOnlyList<RfmSegmentRule> Rules { get; } =
    [
        new(RfmSegment.Champions, 4, 5, 4, 5),
        new(RfmSegment.Loyal, 4, 5, 3, 3),
        new(RfmSegment.Loyal, 3, 3, 4, 5),
        new(RfmSegment.PotentialLoyalists, 4, 5, 2, 2),
        new(RfmSegment.New, 5, 5, 1, 1),
        new(RfmSegment.Promising, 4, 4, 1, 1),
        new(RfmSegment.NeedAttention, 3, 3, 2, 3),
        new(RfmSegment.AboutToSleep, 3, 3, 1, 1),
        new(RfmSegment.AtRisk, 2, 2, 3, 5),
        new(RfmSegment.AtRisk, 1, 1, 3, 3),
        new(RfmSegment.CannotLose, 1, 1, 4, 5),
        new(RfmSegment.Hibernating, 2, 2, 1, 2),
        new(RfmSegment.Hibernating, 1, 1, 2, 2),
        new(RfmSegment.Lost, 1, 1, 1, 1),
    ];

    /// <summary>All eleven segments, best first.</summary>
    public static IReadOnlyList<RfmSegment> All { get; } = Enum.GetValues<RfmSegment>();

    // Declared after Rules on purpose: static initialisers run in text order.
    private static readonly RfmSegment[,] _grid = BuildGrid();

    /// <summary>The segment of a score.</summary>
    public static RfmSegment Classify(RfmScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return _grid[score.Recency - 1, score.FrequencyMonetaryBand - 1];
    }

    /// <summary>The segment's kebab-case id, for example "potential-loyalists" or "cannot-lose".</summary>
    public static string Id(RfmSegment segment) => segment switch
    {
        RfmSegment.Champions => "champions",
        RfmSegment.Loyal => "loyal",
        RfmSegment.PotentialLoyalists => "potential-loyalists",
        RfmSegment.New => "new",
        RfmSegment.Promising => "promising",
        RfmSegment.NeedAttention => "need-attention",
        RfmSegment.AboutToSleep => "about-to-sleep",
        RfmSegment.AtRisk => "at-risk",
        RfmSegment.CannotLose => "cannot-lose",
        RfmSegment.Hibernating => "hibernating",
        RfmSegment.Lost => "lost",
        _ => throw new ArgumentOutOfRangeException(nameof(segment), segment, "Unknown RFM segment."),
    };

    /// <summary>Parses a kebab-case segment id (exact, ordinal) back to the segment.</summary>
    public static bool TryParseId(string? id, out RfmSegment segment)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(Id(candidate), id, StringComparison.Ordinal))
            {
                segment = candidate;
                return true;
            }
        }

        segment = default;
        return false;
    }

    private static RfmSegment[,] BuildGrid()
    {
        var grid = new RfmSegment[5, 5];
        for (var recency = 1; recency <= 5; recency++)
        {
            for (var band = 1; band <= 5; band++)
            {
                var matches = Rules.Where(rule => rule.Matches(recency, band)).ToList();
                if (matches.Count != 1)
                {
                    // A broken table is a programming error; fail at type initialisation rather than misclassify.
                    throw new InvalidOperationException($"RFM grid cell R={recency}, FM={band} matches {matches.Count} rules.");
                }

                grid[recency - 1, band - 1] = matches[0].Segment;
            }
        }

        return grid;
    }
}
