namespace ScenarioEngine.Analytics.Tests;

public sealed class CustomerSummariesTests
{
    private static readonly DateTimeOffset _day0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly _calibrationEnd = new(2026, 1, 22);

    private static Purchase Buy(string id, int day, decimal amount) => new(id, _day0.AddDays(day), 1, amount);

    [Fact]
    public void FromPurchases_Weeks_CountsRepeatDaysAndAveragesRepeatSpend()
    {
        Purchase[] purchases =
        [
            Buy("c1", 0, 10m), Buy("c1", 0, 5m), Buy("c1", 7, 20m), Buy("c1", 14, 25m), Buy("c1", 14, 5m),
            Buy("c1", 30, 100m), // after the calibration end: ignored
            Buy("c2", 21, 8m), // single purchase on the last calibration day
            Buy("c3", 25, 8m), // first purchase after the end: left out
        ];

        var summaries = CustomerSummaries.FromPurchases(purchases, _calibrationEnd, TimeUnit.Weeks);

        Assert.Equal(2, summaries.Count);
        var c1 = summaries[0];
        Assert.Equal(("c1", 2, 2.0, 3.0, 25m), (c1.CustomerId, c1.Frequency, c1.Recency, c1.Age, c1.AverageRepeatSpend));
        var c2 = summaries[1];
        Assert.Equal(("c2", 0, 0.0, 0.0, 0m), (c2.CustomerId, c2.Frequency, c2.Recency, c2.Age, c2.AverageRepeatSpend));
    }

    [Fact]
    public void FromPurchases_Days_MeasuresInDays()
    {
        var summaries = CustomerSummaries.FromPurchases([Buy("c1", 0, 1m), Buy("c1", 3, 2m)], _calibrationEnd, TimeUnit.Days);

        var c1 = Assert.Single(summaries);
        Assert.Equal((1, 3.0, 21.0, 2m), (c1.Frequency, c1.Recency, c1.Age, c1.AverageRepeatSpend));
    }

    [Fact]
    public void FromPurchases_OffsetTimes_UsePurchaseLocalDate()
    {
        // 23:30 on 1 January in Tokyo is 14:30 UTC the same day; 00:30 on 2 January in Tokyo is the next day.
        var tokyo = TimeSpan.FromHours(9);
        Purchase[] purchases =
        [
            new("c1", new DateTimeOffset(2026, 1, 1, 23, 30, 0, tokyo), 1, 1m),
            new("c1", new DateTimeOffset(2026, 1, 2, 0, 30, 0, tokyo), 1, 1m),
        ];

        var c1 = Assert.Single(CustomerSummaries.FromPurchases(purchases, _calibrationEnd, TimeUnit.Days));

        Assert.Equal(1, c1.Frequency);
    }

    [Theory]
    [InlineData(-1, 0, 1)]
    [InlineData(1, 2, 1)]
    [InlineData(0, 1, 2)]
    [InlineData(1, -1, 2)]
    public void Constructor_InconsistentValues_Throws(int x, double tx, double age)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CustomerSummary("c", x, tx, age));
    }
}
