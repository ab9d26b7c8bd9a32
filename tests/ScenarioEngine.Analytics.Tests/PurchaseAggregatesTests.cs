namespace ScenarioEngine.Analytics.Tests;

public sealed class PurchaseAggregatesTests
{
    private static readonly DateTimeOffset _jan1 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Apply_ThreePurchasesOutOfOrder_TracksFirstLastCountsAndSpend()
    {
        var aggregate = PurchaseAggregates.Empty
            .Apply(new Purchase("c1", _jan1.AddDays(5), 2, 20m))
            .Apply(new Purchase("c1", _jan1, 1, 10m))
            .Apply(new Purchase("c1", _jan1.AddDays(3), 3, 30m));

        Assert.Equal(_jan1, aggregate.FirstPurchaseAt);
        Assert.Equal(_jan1.AddDays(5), aggregate.LastPurchaseAt);
        Assert.Equal(3, aggregate.OrderCount);
        Assert.Equal(6, aggregate.Items);
        Assert.Equal(60m, aggregate.TotalSpend);
        Assert.Equal(20m, aggregate.AverageSpend);
    }

    [Fact]
    public void Apply_ToEmpty_DoesNotChangeTheOriginal()
    {
        var empty = PurchaseAggregates.Empty;

        var one = empty.Apply(new Purchase("c1", _jan1, 1, 10m));

        Assert.Equal(0, empty.OrderCount);
        Assert.Null(empty.FirstPurchaseAt);
        Assert.Equal(0m, empty.AverageSpend);
        Assert.Equal(1, one.OrderCount);
    }

    [Fact]
    public void ByCustomer_MixedPurchases_OneAggregatePerCustomer()
    {
        Purchase[] purchases =
        [
            new("c1", _jan1, 1, 10m),
            new("c2", _jan1, 1, 5m),
            new("c1", _jan1.AddDays(1), 2, 15m),
        ];

        var byCustomer = PurchaseAggregates.ByCustomer(purchases);

        Assert.Equal(2, byCustomer.Count);
        Assert.Equal((2, 25m), (byCustomer["c1"].OrderCount, byCustomer["c1"].TotalSpend));
        Assert.Equal((1, 5m), (byCustomer["c2"].OrderCount, byCustomer["c2"].TotalSpend));
    }
}
