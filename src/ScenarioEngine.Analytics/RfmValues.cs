namespace ScenarioEngine.Analytics;

/// <summary>A customer's raw RFM measures as of a date: days since the last purchase, number of orders and total spend.</summary>
/// <param name="RecencyDays">Days (fractional) from the last purchase to the as-of time; lower is better.</param>
/// <param name="Frequency">Number of orders; higher is better.</param>
/// <param name="Monetary">Total spend; higher is better.</param>
public readonly record struct RfmValues(double RecencyDays, int Frequency, decimal Monetary)
{
    /// <summary>Measures a customer's aggregate as of <paramref name="asOf"/>, which must not precede the last purchase.</summary>
    public static RfmValues From(PurchaseAggregates aggregates, DateTimeOffset asOf)
    {
        if (aggregates.LastPurchaseAt is not { } last)
        {
            throw new ArgumentException("The aggregate has no purchases, so it has no recency.", nameof(aggregates));
        }

        if (last > asOf)
        {
            throw new ArgumentOutOfRangeException(nameof(asOf), asOf, $"The as-of time precedes the last purchase ({last:O}); aggregate only purchases up to the as-of time.");
        }

        return new RfmValues((asOf - last).TotalDays, aggregates.OrderCount, aggregates.TotalSpend);
    }
}
