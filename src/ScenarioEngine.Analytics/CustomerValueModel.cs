namespace ScenarioEngine.Analytics;

/// <summary>Predicted customer value: BG/NBD expected purchases times Gamma-Gamma expected spend per purchase.</summary>
/// <param name="Purchases">The fitted purchase model.</param>
/// <param name="Spend">The fitted spend model.</param>
public sealed record CustomerValueModel(BgNbdModel Purchases, GammaGammaModel Spend)
{
    /// <summary>Undiscounted expected revenue from the customer over the next <paramref name="horizon"/> periods.</summary>
    public double PredictedValue(CustomerSummary customer, double horizon)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return Purchases.ExpectedPurchases(horizon, customer) * Spend.ExpectedAverageSpend(customer);
    }

    /// <summary>
    /// Discounted expected revenue over <paramref name="periods"/> steps of <paramref name="periodLength"/> model time
    /// units: each step's expected purchases times the expected spend, divided by (1 + rate)^step.
    /// </summary>
    /// <remarks>With weekly summaries, monthly steps at 1% a month are periods 12, periodLength 52/12, discountRate 0.01 (the lifetimes convention).</remarks>
    public double PredictedValue(CustomerSummary customer, int periods, double periodLength, double discountRatePerPeriod)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentOutOfRangeException.ThrowIfNegative(periods);
        if (!double.IsFinite(periodLength) || periodLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(periodLength), periodLength, "The period length must be positive.");
        }

        if (!double.IsFinite(discountRatePerPeriod) || discountRatePerPeriod <= -1)
        {
            throw new ArgumentOutOfRangeException(nameof(discountRatePerPeriod), discountRatePerPeriod, "The discount rate must be greater than -1.");
        }

        var spend = Spend.ExpectedAverageSpend(customer);
        var value = 0.0;
        var previous = 0.0;
        for (var step = 1; step <= periods; step++)
        {
            var cumulative = Purchases.ExpectedPurchases(step * periodLength, customer);
            value += (cumulative - previous) * spend / Math.Pow(1 + discountRatePerPeriod, step);
            previous = cumulative;
        }

        return value;
    }
}
