namespace ScenarioEngine.Analytics;

/// <summary>One customer's RFM result: raw values, scores and segment.</summary>
/// <param name="CustomerId">The customer's id.</param>
/// <param name="Values">Raw recency days, order count and total spend as of the analysis date.</param>
/// <param name="Score">The 1..5 scores.</param>
public sealed record CustomerRfm(string CustomerId, RfmValues Values, RfmScore Score)
{
    /// <summary>The customer's segment.</summary>
    public RfmSegment Segment => Score.Segment;

    /// <summary>The segment's kebab-case id.</summary>
    public string SegmentId => RfmSegments.Id(Segment);
}

/// <summary>Runs RFM over a set of customers: measure as of a date, score against breakpoints, assign segments.</summary>
public static class RfmAnalysis
{
    /// <summary>
    /// Scores every customer with at least one purchase as of <paramref name="asOf"/>, using the given fixed
    /// breakpoints or, when null, the quintiles of these customers; results are ordered by customer id (ordinal).
    /// </summary>
    public static IReadOnlyList<CustomerRfm> Analyze(
        IEnumerable<KeyValuePair<string, PurchaseAggregates>> customers,
        DateTimeOffset asOf,
        RfmBreakpoints? breakpoints = null)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var measured = customers
            .Where(c => c.Value.OrderCount > 0)
            .Select(c => (Id: c.Key, Values: RfmValues.From(c.Value, asOf)))
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .ToList();
        if (measured.Count == 0)
        {
            return [];
        }

        breakpoints ??= RfmBreakpoints.FromPopulation(measured.Select(c => c.Values));
        return measured.ConvertAll(c => new CustomerRfm(c.Id, c.Values, breakpoints.Score(c.Values)));
    }

    /// <summary>Counts customers per segment; every segment is present, with zero when empty.</summary>
    public static IReadOnlyDictionary<RfmSegment, int> CountBySegment(IEnumerable<CustomerRfm> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var counts = RfmSegments.All.ToDictionary(s => s, _ => 0);
        foreach (var result in results)
        {
            counts[result.Segment]++;
        }

        return counts;
    }
}
