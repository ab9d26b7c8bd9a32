namespace ScenarioEngine.Analytics.Tests;

public sealed class SpecialFunctionsTests
{
    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(2.0, 0.0)]
    [InlineData(0.5, 0.57236494292470008)] // ln sqrt(pi)
    [InlineData(10.0, 12.801827480081469)] // ln 9!
    [InlineData(100.0, 359.13420536957540)] // ln 99!
    [InlineData(0.1, 2.2527126517342059)]
    [InlineData(-0.5, 1.2655121234846454)] // ln |Gamma(-1/2)| = ln 2 sqrt(pi)
    public void LogGamma_KnownValues_MatchToTwelveDigits(double x, double expected)
    {
        Assert.Equal(expected, SpecialFunctions.LogGamma(x), 1e-12);
    }

    [Fact]
    public void LogBeta_OneAndTwo_IsLogHalf()
    {
        Assert.Equal(Math.Log(0.5), SpecialFunctions.LogBeta(1, 2), 1e-14);
    }

    [Fact]
    public void Hypergeometric2F1_OneOneTwo_IsMinusLogOneMinusZOverZ()
    {
        // 2F1(1, 1; 2; z) = -ln(1 - z) / z.
        Assert.Equal(-Math.Log(1 - 0.5) / 0.5, SpecialFunctions.Hypergeometric2F1(1, 1, 2, 0.5), 1e-13);
        Assert.Equal(-Math.Log(1 - 0.95) / 0.95, SpecialFunctions.Hypergeometric2F1(1, 1, 2, 0.95), 1e-12);
    }

    [Fact]
    public void Hypergeometric2F1_ZeroArgument_IsOne()
    {
        Assert.Equal(1.0, SpecialFunctions.Hypergeometric2F1(3.2, 1.5, 0.7, 0));
    }

    [Fact]
    public void Hypergeometric2F1_ArgumentOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.Hypergeometric2F1(1, 1, 2, 1));
    }

    [Fact]
    public void LogSumExp_LargeArguments_DoesNotOverflow()
    {
        Assert.Equal(1000 + Math.Log(2), SpecialFunctions.LogSumExp(1000, 1000), 1e-12);
        Assert.Equal(-5.0, SpecialFunctions.LogSumExp(-5, double.NegativeInfinity));
    }
}

public sealed class NelderMeadTests
{
    [Fact]
    public void Minimize_Rosenbrock_FindsOneOne()
    {
        static double Rosenbrock(double[] p) => Math.Pow(1 - p[0], 2) + (100 * Math.Pow(p[1] - (p[0] * p[0]), 2));

        var minimum = NelderMead.Minimize(Rosenbrock, [-1.2, 1.0], initialStep: 0.5, ModelFitOptions.Default with { Tolerance = 1e-14 });

        Assert.True(minimum.Converged);
        Assert.Equal(1.0, minimum.Point[0], 1e-5);
        Assert.Equal(1.0, minimum.Point[1], 1e-5);
    }

    [Fact]
    public void Minimize_TinyBudget_ReportsNotConverged()
    {
        var minimum = NelderMead.Minimize(p => (p[0] * p[0]) + (p[1] * p[1]), [3, 4], initialStep: 1, ModelFitOptions.Default with { MaxEvaluations = 5, Restarts = 0 });

        Assert.False(minimum.Converged);
    }
}

public sealed class BgNbdModelTests
{
    // Fader, Hardie and Lee (2005): the CDNOW estimates.
    private static readonly BgNbdModel _published = new(0.243, 4.414, 0.793, 2.426);

    // The lifetimes Quickstart prints its unrounded fit: r 0.242593, alpha 4.413532, a 0.792886, b 2.425752.
    private static readonly BgNbdModel _lifetimes = new(0.242593, 4.413532, 0.792886, 2.425752);

    private static readonly BgNbdModel _unit = new(1, 1, 1, 1);

    [Fact]
    public void LogLikelihood_NoRepeatPurchases_MatchesHandComputation()
    {
        // r = alpha = a = b = 1, x = 0, T = 2: L = (alpha / (alpha + T))^r = 1/3.
        Assert.Equal(Math.Log(1.0 / 3), _unit.LogLikelihood(0, 0, 2), 1e-14);
    }

    [Fact]
    public void LogLikelihood_OneRepeatPurchase_MatchesHandComputation()
    {
        // x = 1, t_x = 1, T = 2: L = B(1,2)/B(1,1) * 1/3^2 + B(2,1)/B(1,1) * 1/2^2 = 1/18 + 1/8 = 13/72.
        Assert.Equal(Math.Log(13.0 / 72), _unit.LogLikelihood(1, 1, 2), 1e-14);
    }

    [Fact]
    public void LogLikelihood_Summaries_SumsCustomers()
    {
        CustomerSummary[] customers = [new("a", 0, 0, 2), new("b", 1, 1, 2)];

        Assert.Equal(Math.Log(1.0 / 3) + Math.Log(13.0 / 72), _unit.LogLikelihood(customers), 1e-14);
    }

    [Fact]
    public void ProbabilityAlive_OneRepeatPurchase_MatchesHandComputation()
    {
        // 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x)) = 1 / (1 + (3/2)^2) = 4/13.
        Assert.Equal(4.0 / 13, _unit.ProbabilityAlive(1, 1, 2), 1e-14);
    }

    [Fact]
    public void ProbabilityAlive_NoRepeatPurchases_IsOne()
    {
        Assert.Equal(1.0, _published.ProbabilityAlive(0, 0, 38.86));
    }

    [Fact]
    public void ProbabilityAlive_LongSilence_Falls()
    {
        Assert.True(_published.ProbabilityAlive(10, 5, 38) < _published.ProbabilityAlive(10, 37, 38));
    }

    [Fact]
    public void ExpectedPurchases_PublishedParameters_MatchesHardieSpreadsheet()
    {
        // lifetimes test_conditional_expectation_returns_same_value_as_Hardie_excel_sheet: 1.226 for x 2, t_x 30.43, T 38.86, t 39.
        Assert.Equal(1.226, _published.ExpectedPurchases(39, 2, 30.43, 38.86), 0.0005);
    }

    [Theory]
    [InlineData(26, 30.86, 31.00, 0.710623)]
    [InlineData(29, 37.71, 38.00, 0.662396)]
    [InlineData(17, 28.43, 28.86, 0.486526)]
    [InlineData(19, 34.00, 34.14, 0.474738)]
    [InlineData(18, 35.14, 35.86, 0.424877)]
    public void ExpectedPurchases_LifetimesParameters_MatchesQuickstartTable(int x, double tx, double age, double expected)
    {
        // lifetimes Quickstart "Ranking customers from best to worst", t = 1 week.
        Assert.Equal(expected, _lifetimes.ExpectedPurchases(1, x, tx, age), 1e-5);
    }

    [Fact]
    public void ExpectedPurchases_ZeroHorizon_IsZeroAndGrowsWithHorizon()
    {
        Assert.Equal(0, _published.ExpectedPurchases(0, 2, 30.43, 38.86));
        Assert.True(_published.ExpectedPurchases(10, 2, 30.43, 38.86) < _published.ExpectedPurchases(20, 2, 30.43, 38.86));
    }

    [Theory]
    [InlineData(0.1429, 0.0078)]
    [InlineData(1.0, 0.0532)]
    [InlineData(3.0, 0.1506)]
    [InlineData(31.8571, 1.0405)]
    [InlineData(32.0, 1.0437)]
    [InlineData(78.0, 1.8576)]
    public void ExpectedPurchasesOfNewCustomer_UnroundedParameters_MatchesHardieSpreadsheet(double time, double expected)
    {
        // lifetimes test_expectation_returns_same_value_Hardie_excel_sheet; the sheet works with the unrounded
        // estimates (the rounded ones give 1.8605 at 78 weeks), so this uses lifetimes' unrounded fit.
        Assert.Equal(expected, _lifetimes.ExpectedPurchasesOfNewCustomer(time), 0.0005);
    }

    [Fact]
    public void Fit_SmallData_FindsAtLeastAsLikelyParametersAsAnyProbe()
    {
        CustomerSummary[] customers =
        [
            new("a", 0, 0, 10), new("b", 0, 0, 8), new("c", 1, 2, 10), new("d", 3, 9, 10),
            new("e", 2, 3, 9), new("f", 0, 0, 10), new("g", 5, 7, 8), new("h", 1, 1, 6),
        ];

        var fit = BgNbdModel.Fit(customers);

        Assert.Equal(fit.Model.LogLikelihood(customers), fit.LogLikelihood, 1e-9);
        foreach (var probe in new[] { _unit, _published, new BgNbdModel(0.5, 2, 0.5, 3), new BgNbdModel(2, 5, 1.5, 1.5) })
        {
            Assert.True(fit.LogLikelihood >= probe.LogLikelihood(customers));
        }
    }

    [Fact]
    public void Constructor_NonPositiveParameter_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BgNbdModel(0, 1, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BgNbdModel(1, double.NaN, 1, 1));
    }

    [Fact]
    public void Fit_NoCustomers_Throws()
    {
        Assert.Throws<ArgumentException>(() => BgNbdModel.Fit([]));
    }
}

public sealed class GammaGammaModelTests
{
    [Fact]
    public void LogLikelihood_UnitParameters_MatchesHandComputation()
    {
        // p = q = v = 1, x = 1, mean 1: the marginal density is v^q / (v + z)^2 = 1/4.
        Assert.Equal(Math.Log(0.25), new GammaGammaModel(1, 1, 1).LogLikelihood(1, 1m), 1e-14);
    }

    [Fact]
    public void ExpectedAverageSpend_RepeatCustomer_ShrinksTowardsPopulationMean()
    {
        var model = new GammaGammaModel(2, 3, 10);

        // p (v + x m) / (p x + q - 1) = 2 (10 + 40) / 6; population mean p v / (q - 1) = 10.
        Assert.Equal(100.0 / 6, model.ExpectedAverageSpend(2, 20m), 1e-12);
        Assert.Equal(10.0, model.ExpectedAverageSpend(0, 0m), 1e-12);
        Assert.Equal(10.0, model.PopulationMeanSpend, 1e-12);
    }

    [Fact]
    public void PopulationMeanSpend_QAtMostOne_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new GammaGammaModel(2, 1, 10).PopulationMeanSpend);
    }

    [Fact]
    public void Fit_SmallData_UsesOnlyRepeatCustomersAndBeatsProbes()
    {
        CustomerSummary[] customers =
        [
            new("a", 0, 0, 10), new("b", 1, 2, 10, 12m), new("c", 2, 5, 10, 30m), new("d", 4, 8, 10, 22m),
            new("e", 1, 1, 10, 55m), new("f", 3, 9, 10, 18m), new("g", 2, 4, 10, 0m),
        ];

        var fit = GammaGammaModel.Fit(customers);

        Assert.Equal(5, fit.CustomersUsed);
        Assert.Equal(fit.Model.LogLikelihood(customers), fit.LogLikelihood, 1e-9);
        foreach (var probe in new[] { new GammaGammaModel(1, 1, 1), new GammaGammaModel(6.25, 3.74, 15.44), new GammaGammaModel(3, 5, 40) })
        {
            Assert.True(fit.LogLikelihood >= probe.LogLikelihood(customers));
        }
    }
}

public sealed class CustomerValueModelTests
{
    private static readonly CustomerValueModel _model = new(new BgNbdModel(0.243, 4.414, 0.793, 2.426), new GammaGammaModel(6.25, 3.74, 15.44));
    private static readonly CustomerSummary _customer = new("c1", 2, 30.43, 38.86, 22.35m);

    [Fact]
    public void PredictedValue_Undiscounted_IsExpectedPurchasesTimesExpectedSpend()
    {
        var expected = _model.Purchases.ExpectedPurchases(39, _customer) * _model.Spend.ExpectedAverageSpend(_customer);

        Assert.Equal(expected, _model.PredictedValue(_customer, 39), 1e-12);
    }

    [Fact]
    public void PredictedValue_ZeroDiscount_EqualsUndiscountedOverTheSameHorizon()
    {
        Assert.Equal(_model.PredictedValue(_customer, 52), _model.PredictedValue(_customer, 12, 52.0 / 12, 0), 1e-9);
    }

    [Fact]
    public void PredictedValue_PositiveDiscount_IsSmaller()
    {
        var discounted = _model.PredictedValue(_customer, 12, 52.0 / 12, 0.01);

        Assert.True(discounted < _model.PredictedValue(_customer, 52));
        Assert.True(discounted > _model.PredictedValue(_customer, 52) / Math.Pow(1.01, 12));
    }
}
