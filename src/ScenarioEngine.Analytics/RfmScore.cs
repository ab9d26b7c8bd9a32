namespace ScenarioEngine.Analytics;

/// <summary>An RFM score: recency, frequency and monetary each from 1 to 5, where 5 is best (most recent, most frequent, highest spend).</summary>
public sealed record RfmScore
{
    /// <summary>Creates a score; each component must be between 1 and 5.</summary>
    public RfmScore(int recency, int frequency, int monetary)
    {
        Recency = Check(recency, nameof(recency));
        Frequency = Check(frequency, nameof(frequency));
        Monetary = Check(monetary, nameof(monetary));
    }

    /// <summary>Recency score, 5 for the most recent buyers.</summary>
    public int Recency { get; }

    /// <summary>Frequency score, 5 for the most frequent buyers.</summary>
    public int Frequency { get; }

    /// <summary>Monetary score, 5 for the highest spenders.</summary>
    public int Monetary { get; }

    /// <summary>The average of the frequency and monetary scores (1, 1.5, ..., 5).</summary>
    public double FrequencyMonetaryAverage => (Frequency + Monetary) / 2.0;

    /// <summary>The frequency-monetary average rounded down to a whole band 1..5, the column of the segment grid.</summary>
    public int FrequencyMonetaryBand => (Frequency + Monetary) / 2;

    /// <summary>The named segment this score falls in (see <see cref="RfmSegments.Classify"/>).</summary>
    public RfmSegment Segment => RfmSegments.Classify(this);

    /// <summary>The conventional three-digit code, recency first, for example "545".</summary>
    public override string ToString() => $"{Recency}{Frequency}{Monetary}";

    private static int Check(int value, string name) =>
        value is >= 1 and <= 5 ? value : throw new ArgumentOutOfRangeException(name, value, "RFM scores run from 1 to 5.");
}
