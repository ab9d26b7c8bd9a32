namespace ScenarioEngine.Analytics.Tests;

public sealed class RfmValuesTests
{
    private static readonly DateTimeOffset _asOf = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void From_AggregateWithTwoPurchases_MeasuresDaysOrdersAndSpend()
    {
        var aggregate = PurchaseAggregates.Empty
            .Apply(new Purchase("c1", _asOf.AddDays(-40), 1, 10m))
            .Apply(new Purchase("c1", _asOf.AddDays(-10).AddHours(-12), 1, 15m));

        var values = RfmValues.From(aggregate, _asOf);

        Assert.Equal(new RfmValues(10.5, 2, 25m), values);
    }

    [Fact]
    public void From_EmptyAggregate_Throws()
    {
        Assert.Throws<ArgumentException>(() => RfmValues.From(PurchaseAggregates.Empty, _asOf));
    }

    [Fact]
    public void From_PurchaseAfterAsOf_Throws()
    {
        var aggregate = PurchaseAggregates.Empty.Apply(new Purchase("c1", _asOf.AddDays(1), 1, 10m));

        Assert.Throws<ArgumentOutOfRangeException>(() => RfmValues.From(aggregate, _asOf));
    }
}

public sealed class RfmBreakpointsTests
{
    [Fact]
    public void FromPopulation_FiveDistinctCustomers_ScoresOneToFive()
    {
        RfmValues[] population =
        [
            new(1, 5, 50m), new(2, 4, 40m), new(3, 3, 30m), new(4, 2, 20m), new(5, 1, 10m),
        ];

        var breakpoints = RfmBreakpoints.FromPopulation(population);
        var scores = population.Select(breakpoints.Score).Select(s => s.ToString()).ToList();

        Assert.Equal(["555", "444", "333", "222", "111"], scores);
        Assert.Equal([2.0, 3, 4, 5], breakpoints.RecencyDays);
        Assert.Equal([1.0, 2, 3, 4], breakpoints.Frequency);
        Assert.Equal([10m, 20m, 30m, 40m], breakpoints.Monetary);
    }

    [Fact]
    public void FromPopulation_TenCustomers_TwoPerQuintile()
    {
        var population = Enumerable.Range(1, 10).Select(i => new RfmValues(i, i, i)).ToList();

        var breakpoints = RfmBreakpoints.FromPopulation(population);
        var frequencyScores = population.Select(v => breakpoints.Score(v).Frequency).ToList();
        var recencyScores = population.Select(v => breakpoints.Score(v).Recency).ToList();

        Assert.Equal([1, 1, 2, 2, 3, 3, 4, 4, 5, 5], frequencyScores);
        Assert.Equal([5, 5, 4, 4, 3, 3, 2, 2, 1, 1], recencyScores);
    }

    [Fact]
    public void FromPopulation_TiedValues_GetEqualScoresResolvedDownwards()
    {
        // Four one-time buyers and one repeat buyer: the ties span four quintiles and all score 1.
        RfmValues[] population = [new(30, 1, 10m), new(30, 1, 10m), new(30, 1, 10m), new(30, 1, 10m), new(5, 2, 20m)];

        var breakpoints = RfmBreakpoints.FromPopulation(population);

        Assert.Equal("111", breakpoints.Score(population[0]).ToString());
        Assert.Equal("555", breakpoints.Score(population[4]).ToString());
    }

    [Fact]
    public void FromPopulation_ShuffledInput_SameBreakpoints()
    {
        var population = Enumerable.Range(0, 37).Select(i => new RfmValues(i * 7 % 11, i % 5, i * 3 % 13)).ToList();
        var shuffled = population.Select((v, i) => (Value: v, Key: i * 17 % 37)).OrderBy(x => x.Key).Select(x => x.Value).ToList();

        var a = RfmBreakpoints.FromPopulation(population);
        var b = RfmBreakpoints.FromPopulation(shuffled);

        Assert.Equal(a.RecencyDays, b.RecencyDays);
        Assert.Equal(a.Frequency, b.Frequency);
        Assert.Equal(a.Monetary, b.Monetary);
    }

    [Fact]
    public void FromPopulation_Empty_Throws()
    {
        Assert.Throws<ArgumentException>(() => RfmBreakpoints.FromPopulation([]));
    }

    [Theory]
    [InlineData(10, 1, 5, "511")]
    [InlineData(30, 2, 5.01, "422")]
    [InlineData(90, 5, 100, "344")]
    [InlineData(365, 10, 1000, "155")]
    [InlineData(400, 9, 100, "144")]
    public void Score_FixedThresholdsFromOptions_CountsBreakpointsStrictlyBeaten(double days, int orders, double spend, string expected)
    {
        var breakpoints = RfmBreakpoints.FromOptions(new RfmOptions
        {
            RecencyDays = [30, 90, 180, 365],
            Frequency = [1, 2, 4, 9],
            Monetary = [5m, 20m, 50m, 200m],
        });

        var score = breakpoints.Score(new RfmValues(days, orders, (decimal)spend));

        Assert.Equal(expected, score.ToString());
    }

    [Fact]
    public void FromOptions_WrongCountOrOrder_Throws()
    {
        Assert.Throws<ArgumentException>(() => RfmBreakpoints.FromOptions(new RfmOptions
        {
            RecencyDays = [30, 90, 180],
            Frequency = [1, 2, 4, 9],
            Monetary = [5m, 20m, 50m, 200m],
        }));
        Assert.Throws<ArgumentException>(() => RfmBreakpoints.FromOptions(new RfmOptions
        {
            RecencyDays = [30, 90, 180, 365],
            Frequency = [1, 4, 2, 9],
            Monetary = [5m, 20m, 50m, 200m],
        }));
    }
}

public sealed class RfmScoreTests
{
    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, 6, 1)]
    [InlineData(1, 1, -1)]
    public void Constructor_ComponentOutOfRange_Throws(int r, int f, int m)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RfmScore(r, f, m));
    }

    [Theory]
    [InlineData(1, 2, 1, 1.5)]
    [InlineData(4, 5, 4, 4.5)]
    [InlineData(5, 5, 5, 5.0)]
    public void FrequencyMonetaryBand_HalfAverages_RoundDown(int f, int m, int expectedBand, double expectedAverage)
    {
        var score = new RfmScore(3, f, m);

        Assert.Equal(expectedBand, score.FrequencyMonetaryBand);
        Assert.Equal(expectedAverage, score.FrequencyMonetaryAverage);
    }
}

public sealed class RfmSegmentsTests
{
    [Fact]
    public void Rules_EveryScoreCombination_MatchesExactlyOneRule()
    {
        for (var r = 1; r <= 5; r++)
        {
            for (var f = 1; f <= 5; f++)
            {
                for (var m = 1; m <= 5; m++)
                {
                    var score = new RfmScore(r, f, m);

                    var matching = RfmSegments.Rules.Where(rule => rule.Matches(r, score.FrequencyMonetaryBand)).ToList();

                    var rule = Assert.Single(matching);
                    Assert.Equal(rule.Segment, RfmSegments.Classify(score));
                }
            }
        }
    }

    [Fact]
    public void Classify_AllScores_ReachEveryOneOfTheElevenSegments()
    {
        var reached = (
            from r in Enumerable.Range(1, 5)
            from f in Enumerable.Range(1, 5)
            from m in Enumerable.Range(1, 5)
            select RfmSegments.Classify(new RfmScore(r, f, m))).ToHashSet();

        Assert.Equal(11, RfmSegments.All.Count);
        Assert.Equal(RfmSegments.All.ToHashSet(), reached);
    }

    [Theory]
    [InlineData(5, 5, 5, "champions")]
    [InlineData(4, 4, 4, "champions")]
    [InlineData(5, 3, 3, "loyal")]
    [InlineData(3, 5, 4, "loyal")]
    [InlineData(5, 2, 2, "potential-loyalists")]
    [InlineData(5, 1, 1, "new")]
    [InlineData(5, 1, 2, "new")]
    [InlineData(4, 1, 1, "promising")]
    [InlineData(3, 3, 3, "need-attention")]
    [InlineData(3, 1, 1, "about-to-sleep")]
    [InlineData(2, 5, 5, "at-risk")]
    [InlineData(1, 3, 3, "at-risk")]
    [InlineData(1, 5, 5, "cannot-lose")]
    [InlineData(1, 4, 4, "cannot-lose")]
    [InlineData(2, 2, 1, "hibernating")]
    [InlineData(1, 2, 2, "hibernating")]
    [InlineData(1, 1, 1, "lost")]
    public void Classify_GridCells_GiveDocumentedSegment(int r, int f, int m, string expectedId)
    {
        var segment = RfmSegments.Classify(new RfmScore(r, f, m));

        Assert.Equal(expectedId, RfmSegments.Id(segment));
    }

    [Fact]
    public void Id_AllSegments_UniqueKebabCaseAndRoundTrip()
    {
        var ids = RfmSegments.All.Select(RfmSegments.Id).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[a-z]+(-[a-z]+)*$", id));
        Assert.All(RfmSegments.All, s => Assert.True(RfmSegments.TryParseId(RfmSegments.Id(s), out var parsed) && parsed == s));
        Assert.False(RfmSegments.TryParseId("Champions", out _));
        Assert.Contains("cannot-lose", ids);
        Assert.Contains("potential-loyalists", ids);
    }
}

public sealed class RfmAnalysisTests
{
    private static readonly DateTimeOffset _asOf = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Analyze_PopulationQuintiles_ScoresAndSegmentsEachCustomer()
    {
        var purchases = new List<Purchase>();
        for (var i = 1; i <= 5; i++)
        {
            // Customer i bought i times, i * 10 each, last (6 - i) * 10 days ago: 5 is the best on every axis.
            for (var n = 0; n < i; n++)
            {
                purchases.Add(new Purchase($"c{i}", _asOf.AddDays(-(6 - i) * 10 - n), 1, i * 10m));
            }
        }

        var results = RfmAnalysis.Analyze(PurchaseAggregates.ByCustomer(purchases), _asOf);

        Assert.Equal(["c1", "c2", "c3", "c4", "c5"], results.Select(r => r.CustomerId));
        Assert.Equal(["111", "222", "333", "444", "555"], results.Select(r => r.Score.ToString()));
        Assert.Equal(["lost", "hibernating", "need-attention", "champions", "champions"], results.Select(r => r.SegmentId));
    }

    [Fact]
    public void Analyze_FixedBreakpoints_UsesThemInsteadOfQuintiles()
    {
        var customers = PurchaseAggregates.ByCustomer([new Purchase("only", _asOf.AddDays(-1), 1, 30m)]);
        var breakpoints = new RfmBreakpoints([30, 90, 180, 365], [1, 2, 4, 9], [5m, 20m, 50m, 200m]);

        var result = Assert.Single(RfmAnalysis.Analyze(customers, _asOf, breakpoints));

        Assert.Equal("513", result.Score.ToString());
        Assert.Equal(RfmSegment.PotentialLoyalists, result.Segment);
    }

    [Fact]
    public void CountBySegment_SomeResults_ListsEverySegment()
    {
        var customers = PurchaseAggregates.ByCustomer([new Purchase("only", _asOf.AddDays(-1), 1, 5m)]);

        var counts = RfmAnalysis.CountBySegment(RfmAnalysis.Analyze(customers, _asOf));

        Assert.Equal(11, counts.Count);
        Assert.Equal(1, counts.Values.Sum());
        Assert.Equal(1, counts[RfmSegment.Lost]);
    }
}
