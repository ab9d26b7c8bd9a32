namespace ScenarioEngine.Analytics;

/// <summary>The time unit of frequency-recency-age summaries.</summary>
public enum TimeUnit
{
    /// <summary>Days.</summary>
    Days,

    /// <summary>Weeks of seven days (fractional, as in the BG/NBD literature).</summary>
    Weeks,
}

/// <summary>
/// A customer's repeat-purchase summary for the BG/NBD and Gamma-Gamma models: frequency x, recency t_x,
/// age T and the average value of the repeat purchases.
/// </summary>
public sealed record CustomerSummary
{
    /// <summary>Creates a summary; requires x &gt;= 0, 0 &lt;= t_x &lt;= T, t_x = 0 when x = 0, and a non-negative average spend.</summary>
    public CustomerSummary(string customerId, int frequency, double recency, double age, decimal averageRepeatSpend = 0m)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentOutOfRangeException.ThrowIfNegative(frequency);
        if (!double.IsFinite(age) || age < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(age), age, "The age must be a finite, non-negative number.");
        }

        if (!double.IsFinite(recency) || recency < 0 || recency > age)
        {
            throw new ArgumentOutOfRangeException(nameof(recency), recency, "The recency must lie between 0 and the age.");
        }

        if (frequency == 0 && recency != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(recency), recency, "A customer without repeat purchases has recency 0.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(averageRepeatSpend);
        CustomerId = customerId;
        Frequency = frequency;
        Recency = recency;
        Age = age;
        AverageRepeatSpend = averageRepeatSpend;
    }

    /// <summary>The customer's id.</summary>
    public string CustomerId { get; }

    /// <summary>x: the number of repeat purchases, counted as distinct purchase days after the first.</summary>
    public int Frequency { get; }

    /// <summary>t_x: time from the first purchase to the last one (0 without repeat purchases).</summary>
    public double Recency { get; }

    /// <summary>T: time from the first purchase to the end of the calibration period.</summary>
    public double Age { get; }

    /// <summary>Average amount per repeat purchase day (0 without repeat purchases); the first purchase is excluded.</summary>
    public decimal AverageRepeatSpend { get; }
}

/// <summary>Turns purchases into per-customer frequency, recency, age and average repeat spend summaries.</summary>
/// <remarks>
/// As in the literature and the lifetimes library, purchases are grouped by calendar day (the date of each
/// purchase in its own offset; amounts on the same day are summed), x counts the purchase days after the
/// first, t_x and T are measured in days from the first purchase day (divided by 7 for weeks), and the
/// average spend is over the repeat days only. Purchases after the calibration end are ignored, and
/// customers whose first purchase is after it are left out.
/// </remarks>
public static class CustomerSummaries
{
    /// <summary>Summarises each customer's purchases up to and including <paramref name="calibrationEnd"/>, ordered by customer id (ordinal).</summary>
    public static IReadOnlyList<CustomerSummary> FromPurchases(IEnumerable<Purchase> purchases, DateOnly calibrationEnd, TimeUnit unit)
    {
        ArgumentNullException.ThrowIfNull(purchases);
        var daysPerUnit = unit switch
        {
            TimeUnit.Days => 1.0,
            TimeUnit.Weeks => 7.0,
            _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown time unit."),
        };

        var spendByCustomerDay = new Dictionary<string, SortedDictionary<DateOnly, decimal>>(StringComparer.Ordinal);
        foreach (var purchase in purchases)
        {
            var day = purchase.Day;
            if (day > calibrationEnd)
            {
                continue;
            }

            if (!spendByCustomerDay.TryGetValue(purchase.CustomerId, out var days))
            {
                days = [];
                spendByCustomerDay[purchase.CustomerId] = days;
            }

            days[day] = days.GetValueOrDefault(day) + purchase.Amount;
        }

        var summaries = new List<CustomerSummary>(spendByCustomerDay.Count);
        foreach (var (customerId, days) in spendByCustomerDay.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var first = days.Keys.First();
            var last = days.Keys.Last();
            var frequency = days.Count - 1;
            var repeatSpend = days.Values.Sum() - days[first];
            summaries.Add(new CustomerSummary(
                customerId,
                frequency,
                (last.DayNumber - first.DayNumber) / daysPerUnit,
                (calibrationEnd.DayNumber - first.DayNumber) / daysPerUnit,
                frequency == 0 ? 0m : repeatSpend / frequency));
        }

        return summaries;
    }
}
