namespace ScenarioEngine.Analytics;

/// <summary>One spend decile: how many customers it holds, their revenue, and its share of total revenue.</summary>
/// <param name="Number">Decile number, 1 (top spenders) to 10.</param>
/// <param name="CustomerCount">Customers in the decile.</param>
/// <param name="Revenue">Their total spend.</param>
/// <param name="ShareOfRevenue">Revenue divided by total revenue (0..1).</param>
/// <param name="CumulativeShare">Share of revenue of deciles 1 to <paramref name="Number"/> together (0..1; exactly 1 for decile 10).</param>
public sealed record Decile(int Number, int CustomerCount, decimal Revenue, decimal ShareOfRevenue, decimal CumulativeShare);

/// <summary>The result of a decile analysis: ten deciles, the decile of every customer, and the total.</summary>
/// <param name="Deciles">Deciles 1 to 10 in order.</param>
/// <param name="DecileByCustomer">Each customer's decile number.</param>
/// <param name="TotalRevenue">Total spend of all customers.</param>
public sealed record DecileReport(IReadOnlyList<Decile> Deciles, IReadOnlyDictionary<string, int> DecileByCustomer, decimal TotalRevenue);

/// <summary>Decile analysis: customers ranked by total spend into ten equal-sized groups, decile 1 being the top spenders.</summary>
/// <remarks>
/// Customers are sorted by spend, highest first, ties broken by customer id (ordinal) so the result is
/// deterministic; the customer at zero-based position i of n goes to decile floor(10 i / n) + 1, so
/// decile sizes differ by at most one (and some are empty when there are fewer than ten customers).
/// Shares are zero when total revenue is zero.
/// </remarks>
public static class DecileAnalysis
{
    /// <summary>Decile analysis of each customer's total spend from their aggregates.</summary>
    public static DecileReport Compute(IEnumerable<KeyValuePair<string, PurchaseAggregates>> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        return Compute(customers.Select(c => KeyValuePair.Create(c.Key, c.Value.TotalSpend)));
    }

    /// <summary>Decile analysis of a spend per customer id; ids must be unique.</summary>
    public static DecileReport Compute(IEnumerable<KeyValuePair<string, decimal>> spendByCustomer)
    {
        ArgumentNullException.ThrowIfNull(spendByCustomer);
        var ranked = spendByCustomer
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .ToList();

        var n = ranked.Count;
        var decileByCustomer = new Dictionary<string, int>(n, StringComparer.Ordinal);
        var counts = new int[10];
        var revenue = new decimal[10];
        for (var i = 0; i < n; i++)
        {
            var index = (int)(10L * i / n);
            if (!decileByCustomer.TryAdd(ranked[i].Key, index + 1))
            {
                throw new ArgumentException($"Customer '{ranked[i].Key}' appears more than once.", nameof(spendByCustomer));
            }

            counts[index]++;
            revenue[index] += ranked[i].Value;
        }

        var total = revenue.Sum();
        var deciles = new List<Decile>(10);
        var cumulative = 0m;
        for (var d = 0; d < 10; d++)
        {
            cumulative += revenue[d];

            // Cumulative share from the running revenue, not from summed shares, so decile 10 is exactly 1.
            deciles.Add(new Decile(
                d + 1,
                counts[d],
                revenue[d],
                total == 0m ? 0m : revenue[d] / total,
                total == 0m ? 0m : cumulative / total));
        }

        return new DecileReport(deciles, decileByCustomer, total);
    }
}
