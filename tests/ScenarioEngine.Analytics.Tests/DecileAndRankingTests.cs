namespace ScenarioEngine.Analytics.Tests;

public sealed class DecileAnalysisTests
{
    [Fact]
    public void Compute_TwentyCustomers_TwoPerDecileTopSpendFirst()
    {
        var spend = Enumerable.Range(1, 20).Select(i => KeyValuePair.Create($"c{i:00}", (decimal)i));

        var report = DecileAnalysis.Compute(spend);

        Assert.Equal(210m, report.TotalRevenue);
        Assert.Equal(new Decile(1, 2, 39m, 39m / 210m, 39m / 210m), report.Deciles[0]);
        Assert.Equal(new Decile(10, 2, 3m, 3m / 210m, 1m), report.Deciles[9]);
        Assert.Equal(1, report.DecileByCustomer["c20"]);
        Assert.Equal(1, report.DecileByCustomer["c19"]);
        Assert.Equal(10, report.DecileByCustomer["c01"]);
        Assert.Equal((39m + 35m) / 210m, report.Deciles[1].CumulativeShare);
    }

    [Fact]
    public void Compute_ThreeCustomers_SpreadsThemAndLeavesOtherDecilesEmpty()
    {
        var report = DecileAnalysis.Compute([KeyValuePair.Create("a", 30m), KeyValuePair.Create("b", 20m), KeyValuePair.Create("c", 10m)]);

        Assert.Equal([1, 0, 0, 1, 0, 0, 1, 0, 0, 0], report.Deciles.Select(d => d.CustomerCount));
        Assert.Equal((1, 4, 7), (report.DecileByCustomer["a"], report.DecileByCustomer["b"], report.DecileByCustomer["c"]));
        Assert.Equal(0.5m, report.Deciles[0].ShareOfRevenue);
    }

    [Fact]
    public void Compute_TiedSpend_BreaksTiesByCustomerId()
    {
        var spend = Enumerable.Range(0, 10).Select(i => KeyValuePair.Create($"c{9 - i}", 5m));

        var report = DecileAnalysis.Compute(spend);

        Assert.Equal(1, report.DecileByCustomer["c0"]);
        Assert.Equal(10, report.DecileByCustomer["c9"]);
    }

    [Fact]
    public void Compute_NoRevenue_SharesAreZero()
    {
        var report = DecileAnalysis.Compute([KeyValuePair.Create("a", 0m)]);

        Assert.All(report.Deciles, d => Assert.Equal(0m, d.ShareOfRevenue));
    }

    [Fact]
    public void Compute_DuplicateCustomer_Throws()
    {
        Assert.Throws<ArgumentException>(() => DecileAnalysis.Compute([KeyValuePair.Create("a", 1m), KeyValuePair.Create("a", 2m)]));
    }

    [Fact]
    public void Compute_Aggregates_UsesTotalSpend()
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var customers = PurchaseAggregates.ByCustomer([new Purchase("a", at, 1, 10m), new Purchase("a", at, 1, 5m), new Purchase("b", at, 1, 20m)]);

        var report = DecileAnalysis.Compute(customers);

        Assert.Equal(35m, report.TotalRevenue);
        Assert.Equal(1, report.DecileByCustomer["b"]);
    }
}

public sealed class MultiAxisRankingTests
{
    [Fact]
    public void Rank_AxesDisagree_ShowsEachAxisRankSideBySide()
    {
        CustomerAxes[] customers =
        [
            // The frequent buyer is not the top spender, and the top spender is not the happiest.
            new("big") { Spend = 1000m, Frequency = 2, RecencyDays = 40, PredictedValue = 300, NpsRating = 6 },
            new("often") { Spend = 400m, Frequency = 20, RecencyDays = 3, PredictedValue = 500, NpsRating = 9 },
            new("fan") { Spend = 400m, Frequency = 5, RecencyDays = 10, NpsRating = 10 },
        ];

        var ranks = MultiAxisRanking.Rank(customers).ToDictionary(r => r.CustomerId);

        Assert.Equal(new CustomerRanks("big", 1, 3, 3, 2, 3), ranks["big"]);
        Assert.Equal(new CustomerRanks("often", 2, 1, 1, 1, 2), ranks["often"]);
        Assert.Equal(new CustomerRanks("fan", 2, 2, 2, 3, 1), ranks["fan"]);
        Assert.Equal(2, ranks["big"].Spread);
        Assert.Equal((1, 3), (ranks["fan"].BestRank, ranks["fan"].WorstRank));
    }

    [Fact]
    public void Rank_MissingAxis_RanksLastTogether()
    {
        CustomerAxes[] customers = [new("a") { NpsRating = 3 }, new("b"), new("c")];

        var ranks = MultiAxisRanking.Rank(customers);

        Assert.Equal([1, 2, 2], ranks.OrderBy(r => r.CustomerId, StringComparer.Ordinal).Select(r => r.NpsRank));
        Assert.All(ranks, r => Assert.Equal(1, r.SpendRank));
    }

    [Fact]
    public void Rank_Result_OrderedBySpendRankThenId()
    {
        CustomerAxes[] customers = [new("z") { Spend = 1m }, new("b") { Spend = 5m }, new("a") { Spend = 5m }];

        Assert.Equal(["a", "b", "z"], MultiAxisRanking.Rank(customers).Select(r => r.CustomerId));
    }

    [Fact]
    public void Rank_DuplicateCustomer_Throws()
    {
        Assert.Throws<ArgumentException>(() => MultiAxisRanking.Rank([new("a"), new("a")]));
    }
}
