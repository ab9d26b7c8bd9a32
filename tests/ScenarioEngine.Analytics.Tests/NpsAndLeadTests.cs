namespace ScenarioEngine.Analytics.Tests;

public sealed class NpsTests
{
    [Theory]
    [InlineData(0, NpsCategory.Detractor)]
    [InlineData(6, NpsCategory.Detractor)]
    [InlineData(7, NpsCategory.Passive)]
    [InlineData(8, NpsCategory.Passive)]
    [InlineData(9, NpsCategory.Promoter)]
    [InlineData(10, NpsCategory.Promoter)]
    public void Classify_ValidRating_ReturnsCategory(int rating, NpsCategory expected)
    {
        Assert.Equal(expected, Nps.Classify(rating));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    [InlineData(int.MaxValue)]
    public void Classify_OutOfRange_Throws(int rating)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Nps.Classify(rating));
        Assert.False(Nps.TryClassify(rating, out _));
    }

    [Fact]
    public void Score_BalancedRatings_IsZero()
    {
        var result = Nps.Score([10, 9, 8, 7, 6, 0]);

        Assert.Equal(new NpsResult(2, 2, 2), result);
        Assert.Equal(0, result.Score);
    }

    [Fact]
    public void Score_ThreePromotersOneDetractor_IsFifty()
    {
        var result = Nps.Score([10, 10, 9, 5]);

        Assert.Equal(75, result.PromoterPercent);
        Assert.Equal(25, result.DetractorPercent);
        Assert.Equal(50, result.Score);
    }

    [Fact]
    public void Score_NoAnswers_IsZero()
    {
        Assert.Equal(0, Nps.Score([]).Score);
    }

    [Fact]
    public void Score_InvalidRating_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Nps.Score([9, 12]));
    }

    [Fact]
    public void ByJourneySegmentAndMonth_Responses_GroupScores()
    {
        var jan = new DateTimeOffset(2026, 1, 31, 23, 0, 0, TimeSpan.Zero);
        NpsResponse[] responses =
        [
            new("c1", jan, 10, "welcome", "champions"),
            new("c2", jan, 0, "welcome", "lost"),
            new("c3", jan.AddHours(2), 9, "win-back", "lost"),
            new("c4", jan.AddHours(2), 8),
        ];

        var byJourney = Nps.ByJourney(responses);
        var bySegment = Nps.BySegment(responses);
        var byMonth = Nps.ByMonth(responses);

        Assert.Equal(0, byJourney["welcome"].Score);
        Assert.Equal(100, byJourney["win-back"].Score);
        Assert.Equal(2, byJourney.Count);
        Assert.Equal(0, bySegment["lost"].Score);
        Assert.Equal(100, bySegment["champions"].Score);
        Assert.Equal(new NpsResult(1, 0, 1), byMonth[new DateOnly(2026, 1, 1)]);
        Assert.Equal(new NpsResult(1, 1, 0), byMonth[new DateOnly(2026, 2, 1)]);
    }

    [Fact]
    public void ScoreBy_CustomKey_GroupsByIt()
    {
        var result = Nps.ScoreBy([(Shop: "a", Rating: 10), (Shop: "b", Rating: 3), (Shop: "a", Rating: 7)], x => x.Shop, x => x.Rating);

        Assert.Equal(new NpsResult(1, 1, 0), result["a"]);
        Assert.Equal(-100, result["b"].Score);
    }
}

public sealed class LeadScorerTests
{
    private static readonly DateTimeOffset _now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static LeadScorer Scorer() => new(new LeadScoringOptions
    {
        PointsByEventType = new() { ["site-visit"] = 10, ["form-inquiry"] = 40, ["unsubscribe"] = -20 },
        HalfLife = TimeSpan.FromDays(7),
        HotThreshold = 30,
    });

    [Fact]
    public void Score_EventsOfDifferentAges_HalvesPointsPerHalfLife()
    {
        LeadEvent[] events =
        [
            new("l1", "form-inquiry", _now.AddDays(-7)),
            new("l1", "site-visit", _now.AddDays(-14)),
            new("l1", "SITE-VISIT", _now),
            new("l1", "site-visit", _now.AddDays(1)),
            new("l1", "newsletter-open", _now),
        ];

        var score = Scorer().Score(events, _now);

        // 40 / 2 + 10 / 4 + 10; the future visit and the unconfigured type count zero.
        Assert.Equal(32.5, score, 1e-12);
        Assert.True(Scorer().IsHot(score));
    }

    [Fact]
    public void Points_HalfAHalfLife_IsPointsOverRootTwo()
    {
        var points = Scorer().Points(new LeadEvent("l1", "site-visit", _now.AddDays(-3.5)), _now);

        Assert.Equal(10 / Math.Sqrt(2), points, 1e-12);
    }

    [Fact]
    public void ScoreAll_SeveralLeads_HottestFirstWithFlags()
    {
        LeadEvent[] events =
        [
            new("cold", "site-visit", _now.AddDays(-1)),
            new("hot", "form-inquiry", _now),
            new("gone", "site-visit", _now),
            new("gone", "unsubscribe", _now),
        ];

        var scores = Scorer().ScoreAll(events, _now);

        Assert.Equal(["hot", "cold", "gone"], scores.Select(s => s.LeadId));
        Assert.Equal(new LeadScore("hot", 40, true), scores[0]);
        Assert.False(scores[1].IsHot);
        Assert.Equal(-10, scores[2].Score);
    }

    [Fact]
    public void Constructor_NonPositiveHalfLife_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeadScorer(new LeadScoringOptions { HalfLife = TimeSpan.Zero }));
    }

    [Fact]
    public void Constructor_TypesDifferingOnlyInCase_Throws()
    {
        var options = new LeadScoringOptions { PointsByEventType = new(StringComparer.Ordinal) { ["visit"] = 1, ["Visit"] = 2 } };

        Assert.Throws<ArgumentException>(() => new LeadScorer(options));
    }
}
