namespace ScenarioEngine.Analytics;

/// <summary>Fixed RFM breakpoints as they appear in configuration: four ascending values per axis.</summary>
/// <remarks>
/// Each value is the boundary between two adjacent scores; a customer earns one point above 1 for every
/// breakpoint it is strictly better than. Recency: fewer days than the breakpoint is better, so with
/// <c>[30, 90, 180, 365]</c> 10 days scores 5, 30 days scores 4 and 400 days scores 1. Frequency and
/// monetary: more than the breakpoint is better, so with frequency <c>[1, 2, 4, 9]</c> one order scores
/// 1, two orders score 2 and ten orders score 5.
/// </remarks>
public sealed class RfmOptions
{
    /// <summary>Recency breakpoints in days, ascending.</summary>
    public double[] RecencyDays { get; set; } = [];

    /// <summary>Frequency breakpoints in orders, ascending.</summary>
    public double[] Frequency { get; set; } = [];

    /// <summary>Monetary breakpoints in currency units, ascending.</summary>
    public decimal[] Monetary { get; set; } = [];
}

/// <summary>The four boundaries per axis that turn raw RFM values into 1..5 scores, computed as quintiles of a population or given as fixed thresholds.</summary>
/// <remarks>
/// Scoring counts the breakpoints a value is strictly better than, so equal values always get equal
/// scores and a value equal to a breakpoint gets the lower of the two scores it separates. Quintiles use
/// the nearest-rank rule: for frequency and monetary the k-th breakpoint is the value at rank
/// ceil(k n / 5) in ascending order; recency is mirrored (ranked from the most recent end), so ties on
/// every axis resolve towards the worse score. Heavily tied data (most CDNOW customers bought once) can
/// therefore leave some scores empty, which is the stable choice: no two equal customers differ.
/// </remarks>
public sealed class RfmBreakpoints
{
    private readonly double[] _recencyDays;
    private readonly double[] _frequency;
    private readonly decimal[] _monetary;

    /// <summary>Creates breakpoints from four ascending (non-decreasing) values per axis.</summary>
    public RfmBreakpoints(IReadOnlyList<double> recencyDays, IReadOnlyList<double> frequency, IReadOnlyList<decimal> monetary)
    {
        _recencyDays = Check(recencyDays, nameof(recencyDays));
        _frequency = Check(frequency, nameof(frequency));
        _monetary = Check(monetary, nameof(monetary));
    }

    /// <summary>Recency breakpoints in days, ascending; fewer days than a breakpoint earns a point.</summary>
    public IReadOnlyList<double> RecencyDays => _recencyDays;

    /// <summary>Frequency breakpoints, ascending; more orders than a breakpoint earns a point.</summary>
    public IReadOnlyList<double> Frequency => _frequency;

    /// <summary>Monetary breakpoints, ascending; more spend than a breakpoint earns a point.</summary>
    public IReadOnlyList<decimal> Monetary => _monetary;

    /// <summary>Breakpoints from configuration (see <see cref="RfmOptions"/> for the meaning of the values).</summary>
    public static RfmBreakpoints FromOptions(RfmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RfmBreakpoints(options.RecencyDays, options.Frequency, options.Monetary);
    }

    /// <summary>Quintile breakpoints of a population of customers; the result does not depend on the population's order.</summary>
    public static RfmBreakpoints FromPopulation(IEnumerable<RfmValues> population)
    {
        ArgumentNullException.ThrowIfNull(population);
        var values = population.ToList();
        if (values.Count == 0)
        {
            throw new ArgumentException("Quintiles need at least one customer.", nameof(population));
        }

        var n = values.Count;
        var recency = values.Select(v => v.RecencyDays).Order().ToArray();
        var frequency = values.Select(v => (double)v.Frequency).Order().ToArray();
        var monetary = values.Select(v => v.Monetary).Order().ToArray();

        var recencyBreaks = new double[4];
        var frequencyBreaks = new double[4];
        var monetaryBreaks = new decimal[4];
        for (var k = 1; k <= 4; k++)
        {
            frequencyBreaks[k - 1] = frequency[NearestRank(k, n)];
            monetaryBreaks[k - 1] = monetary[NearestRank(k, n)];

            // Mirror image of the higher-is-better rule: rank from the most recent end.
            recencyBreaks[k - 1] = recency[n - 1 - NearestRank(5 - k, n)];
        }

        return new RfmBreakpoints(recencyBreaks, frequencyBreaks, monetaryBreaks);
    }

    /// <summary>Scores raw values: one point above 1 for each breakpoint the value is strictly better than.</summary>
    public RfmScore Score(RfmValues values)
    {
        var r = 1 + _recencyDays.Count(b => values.RecencyDays < b);
        var f = 1 + _frequency.Count(b => values.Frequency > b);
        var m = 1 + _monetary.Count(b => values.Monetary > b);
        return new RfmScore(r, f, m);
    }

    // Zero-based index of the nearest-rank k/5 quantile: rank ceil(k n / 5).
    private static int NearestRank(int k, int n) => (int)(((long)k * n + 4) / 5) - 1;

    private static T[] Check<T>(IReadOnlyList<T> breakpoints, string name)
        where T : IComparable<T>
    {
        ArgumentNullException.ThrowIfNull(breakpoints, name);
        if (breakpoints.Count != 4)
        {
            throw new ArgumentException($"Exactly four breakpoints are needed to separate five scores; got {breakpoints.Count}.", name);
        }

        for (var i = 1; i < breakpoints.Count; i++)
        {
            if (breakpoints[i].CompareTo(breakpoints[i - 1]) < 0)
            {
                throw new ArgumentException("Breakpoints must be in ascending order.", name);
            }
        }

        if (breakpoints is IReadOnlyList<double> doubles && doubles.Any(d => !double.IsFinite(d)))
        {
            throw new ArgumentException("Breakpoints must be finite numbers.", name);
        }

        return [.. breakpoints];
    }
}
