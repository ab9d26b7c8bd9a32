namespace ScenarioEngine.Analytics;

/// <summary>What is known about one customer on each ranking axis; a null axis is unknown and ranks last.</summary>
/// <param name="CustomerId">The customer's id.</param>
public sealed record CustomerAxes(string CustomerId)
{
    /// <summary>Total spend; higher ranks first.</summary>
    public decimal? Spend { get; init; }

    /// <summary>Number of orders; higher ranks first.</summary>
    public int? Frequency { get; init; }

    /// <summary>Days since the last purchase; fewer ranks first.</summary>
    public double? RecencyDays { get; init; }

    /// <summary>Predicted future value (for example from <see cref="CustomerValueModel"/>); higher ranks first.</summary>
    public double? PredictedValue { get; init; }

    /// <summary>The customer's latest NPS rating 0..10; higher ranks first.</summary>
    public int? NpsRating { get; init; }
}

/// <summary>A customer's rank on each axis side by side (1 = best), to show where the obvious best customers differ.</summary>
/// <param name="CustomerId">The customer's id.</param>
/// <param name="SpendRank">Rank by total spend.</param>
/// <param name="FrequencyRank">Rank by number of orders.</param>
/// <param name="RecencyRank">Rank by recency.</param>
/// <param name="PredictedValueRank">Rank by predicted value.</param>
/// <param name="NpsRank">Rank by NPS rating.</param>
public sealed record CustomerRanks(string CustomerId, int SpendRank, int FrequencyRank, int RecencyRank, int PredictedValueRank, int NpsRank)
{
    /// <summary>The customer's best (lowest) rank on any axis.</summary>
    public int BestRank => Math.Min(SpendRank, Math.Min(FrequencyRank, Math.Min(RecencyRank, Math.Min(PredictedValueRank, NpsRank))));

    /// <summary>The customer's worst (highest) rank on any axis.</summary>
    public int WorstRank => Math.Max(SpendRank, Math.Max(FrequencyRank, Math.Max(RecencyRank, Math.Max(PredictedValueRank, NpsRank))));

    /// <summary>Worst minus best rank: large when the axes disagree about this customer.</summary>
    public int Spread => WorstRank - BestRank;
}

/// <summary>Ranks customers on spend, frequency, recency, predicted value and NPS side by side.</summary>
/// <remarks>
/// Ranking is competition style ("1224"): a customer's rank is one plus the number of customers strictly
/// better on that axis, so ties share a rank. Customers with no value on an axis all share the rank
/// after the last customer that has one.
/// </remarks>
public static class MultiAxisRanking
{
    /// <summary>Ranks every customer on every axis; the result is ordered by spend rank, then customer id (ordinal).</summary>
    public static IReadOnlyList<CustomerRanks> Rank(IEnumerable<CustomerAxes> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var list = customers.ToList();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var customer in list)
        {
            if (!ids.Add(customer.CustomerId))
            {
                throw new ArgumentException($"Customer '{customer.CustomerId}' appears more than once.", nameof(customers));
            }
        }

        var spend = Ranks(list, c => c.Spend, higherIsBetter: true);
        var frequency = Ranks(list, c => c.Frequency, higherIsBetter: true);
        var recency = Ranks(list, c => c.RecencyDays, higherIsBetter: false);
        var predicted = Ranks(list, c => c.PredictedValue, higherIsBetter: true);
        var nps = Ranks(list, c => c.NpsRating, higherIsBetter: true);

        return list
            .Select((c, i) => new CustomerRanks(c.CustomerId, spend[i], frequency[i], recency[i], predicted[i], nps[i]))
            .OrderBy(r => r.SpendRank)
            .ThenBy(r => r.CustomerId, StringComparer.Ordinal)
            .ToList();
    }

    private static int[] Ranks<T>(List<CustomerAxes> customers, Func<CustomerAxes, T?> axis, bool higherIsBetter)
        where T : struct, IComparable<T>
    {
        var present = customers
            .Select((c, i) => (Index: i, Value: axis(c)))
            .Where(x => x.Value.HasValue)
            .Select(x => (x.Index, Value: x.Value!.Value))
            .ToList();
        present.Sort((x, y) => higherIsBetter ? y.Value.CompareTo(x.Value) : x.Value.CompareTo(y.Value));

        var ranks = new int[customers.Count];
        Array.Fill(ranks, present.Count + 1);
        for (var i = 0; i < present.Count; i++)
        {
            var tiedWithPrevious = i > 0 && present[i].Value.CompareTo(present[i - 1].Value) == 0;
            ranks[present[i].Index] = tiedWithPrevious ? ranks[present[i - 1].Index] : i + 1;
        }

        return ranks;
    }
}
