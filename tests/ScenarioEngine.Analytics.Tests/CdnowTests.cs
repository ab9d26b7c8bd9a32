using Xunit.Abstractions;

namespace ScenarioEngine.Analytics.Tests;

/// <summary>Checks against the real CDNOW data and the numbers published for it.</summary>
public sealed class CdnowTests(ITestOutputHelper output)
{
    // Fader, Hardie and Lee (2005), "Counting your customers the easy way", Marketing Science 24(2), table/text:
    // r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4 (the lifetimes Quickstart shows the same fit).
    private const double PublishedR = 0.243;
    private const double PublishedAlpha = 4.414;
    private const double PublishedA = 0.793;
    private const double PublishedB = 2.426;
    private const double PublishedBgNbdLogLikelihood = -9582.4;

    // Fader and Hardie (2013), "The Gamma-Gamma model of monetary value" (brucehardie.com/notes/025):
    // p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat customers of the 2,357-customer sample;
    // the lifetimes Quickstart prints p 6.25, q 3.74, v 15.45 for the same 946 customers.
    private const double PublishedP = 6.25;
    private const double PublishedQ = 3.74;
    private const double PublishedV = 15.44;

    private static readonly DateOnly _calibrationEnd = new(1997, 9, 30);

    private static IReadOnlyList<CustomerSummary> SampleSummaries() =>
        CustomerSummaries.FromPurchases(CdnowData.Sample, _calibrationEnd, TimeUnit.Weeks);

    // The sample file is sorted by sample id, so first appearance gives the sample ids 1..2357 that
    // the published per-customer tables use (the reader keeps the master id as the customer id).
    private static List<CustomerSummary> SampleSummariesInSampleIdOrder()
    {
        var byId = SampleSummaries().ToDictionary(s => s.CustomerId);
        return CdnowData.Sample.Select(p => p.CustomerId).Distinct().Select(id => byId[id]).ToList();
    }

    [Fact]
    public void Read_MasterFile_Has69659PurchasesBy23570Customers()
    {
        var purchases = CdnowData.Master;

        Assert.Equal(69_659, purchases.Count);
        Assert.Equal(23_570, purchases.Select(p => p.CustomerId).Distinct().Count());
        Assert.Equal("00001", purchases[0].CustomerId);
    }

    [Fact]
    public void Read_SampleFile_Has6919PurchasesBy2357Customers()
    {
        var purchases = CdnowData.Sample;

        Assert.Equal(6_919, purchases.Count);
        Assert.Equal(2_357, purchases.Select(p => p.CustomerId).Distinct().Count());
    }

    [Fact]
    public void Compute_MasterDeciles_SharesSumToOneAndTopDecileIsLargest()
    {
        var report = DecileAnalysis.Compute(PurchaseAggregates.ByCustomer(CdnowData.Master));

        foreach (var decile in report.Deciles)
        {
            output.WriteLine($"decile {decile.Number}: {decile.CustomerCount} customers, {decile.Revenue:N2} ({decile.ShareOfRevenue:P2}, cumulative {decile.CumulativeShare:P2})");
        }

        Assert.Equal(23_570, report.Deciles.Sum(d => d.CustomerCount));
        Assert.All(report.Deciles, d => Assert.Equal(2_357, d.CustomerCount));
        Assert.Equal(report.TotalRevenue, report.Deciles.Sum(d => d.Revenue));
        Assert.Equal(1m, Math.Round(report.Deciles.Sum(d => d.ShareOfRevenue), 20));
        Assert.Equal(1m, report.Deciles[^1].CumulativeShare);
        Assert.All(report.Deciles.Skip(1), d => Assert.True(d.ShareOfRevenue < report.Deciles[0].ShareOfRevenue));
        Assert.Equal(23_570, report.DecileByCustomer.Count);
    }

    [Fact]
    public void Analyze_MasterFile_EveryCustomerInExactlyOneSegment()
    {
        var customers = PurchaseAggregates.ByCustomer(CdnowData.Master);
        var asOf = new DateTimeOffset(1998, 7, 1, 0, 0, 0, TimeSpan.Zero);

        var results = RfmAnalysis.Analyze(customers, asOf);
        var counts = RfmAnalysis.CountBySegment(results);
        var breakpoints = RfmBreakpoints.FromPopulation(results.Select(r => r.Values));

        // Nearest-rank quintiles computed independently (a short Python script over the raw file).
        Assert.Equal([142.0, 433, 486, 513], breakpoints.RecencyDays);
        Assert.Equal([1.0, 1, 2, 4], breakpoints.Frequency);
        Assert.Equal([15.36m, 31.35m, 59.92m, 133.95m], breakpoints.Monetary);

        foreach (var (segment, count) in counts)
        {
            output.WriteLine($"{RfmSegments.Id(segment),-20} {count,6}");
        }

        Assert.Equal(23_570, results.Count);
        Assert.Equal(23_570, results.Select(r => r.CustomerId).Distinct().Count());
        Assert.All(results, r => Assert.True(Enum.IsDefined(r.Segment)));
        Assert.Equal(23_570, counts.Values.Sum());
    }

    [Fact]
    public void FromPurchases_SampleCalibration_MatchesPublishedSummary()
    {
        var summaries = SampleSummariesInSampleIdOrder();

        // lifetimes' cdnow summary (keyed by sample id): 1 -> x 2, t_x 30.43, T 38.86, monetary 22.35;
        // 2 -> x 1, t_x 1.71, monetary 11.77; 6 -> x 7, t_x 29.43, monetary 73.74; 946 repeat customers.
        Assert.Equal(("00004", 2), (summaries[0].CustomerId, summaries[0].Frequency));
        Assert.Equal(30.43, summaries[0].Recency, 0.005);
        Assert.Equal(38.86, summaries[0].Age, 0.005);
        Assert.Equal(22.345m, summaries[0].AverageRepeatSpend);
        Assert.Equal((1, 11.77m), (summaries[1].Frequency, summaries[1].AverageRepeatSpend));
        Assert.Equal(1.71, summaries[1].Recency, 0.005);
        Assert.Equal(7, summaries[5].Frequency);
        Assert.Equal(29.43, summaries[5].Recency, 0.005);
        Assert.Equal(73.74, (double)summaries[5].AverageRepeatSpend, 0.005);
        Assert.Equal(2_357, summaries.Count);
        Assert.Equal(946, summaries.Count(s => s.Frequency > 0));
    }

    [Fact]
    public void Fit_BgNbdOnSample_ReproducesPublishedParameters()
    {
        var fit = BgNbdModel.Fit(SampleSummaries());
        var m = fit.Model;
        output.WriteLine($"r={m.R:F6} alpha={m.Alpha:F6} a={m.A:F6} b={m.B:F6} LL={fit.LogLikelihood:F4} evaluations={fit.Evaluations} converged={fit.Converged}");

        // The paper prints three decimals for the parameters and one for the log-likelihood.
        Assert.True(fit.Converged);
        Assert.Equal(PublishedR, m.R, 0.0005);
        Assert.Equal(PublishedAlpha, m.Alpha, 0.0005);
        Assert.Equal(PublishedA, m.A, 0.0005);
        Assert.Equal(PublishedB, m.B, 0.0005);
        Assert.Equal(PublishedBgNbdLogLikelihood, fit.LogLikelihood, 0.05);
    }

    [Fact]
    public void Fit_GammaGammaOnSample_ReproducesPublishedParameters()
    {
        var fit = GammaGammaModel.Fit(SampleSummaries());
        var m = fit.Model;
        output.WriteLine($"p={m.P:F6} q={m.Q:F6} v={m.V:F6} LL={fit.LogLikelihood:F4} customers={fit.CustomersUsed} evaluations={fit.Evaluations} converged={fit.Converged} mean={m.PopulationMeanSpend:F6}");

        // The note prints two decimals.
        Assert.True(fit.Converged);
        Assert.Equal(946, fit.CustomersUsed);
        Assert.Equal(PublishedP, m.P, 0.005);
        Assert.Equal(PublishedQ, m.Q, 0.005);
        Assert.Equal(PublishedV, m.V, 0.005);

        // CLVTools' correctness test (test_correctness_gg.R) pairs these estimates with LL = -4055.9177.
        Assert.Equal(-4055.9177, fit.LogLikelihood, 0.0005);
    }

    [Fact]
    public void ExpectedAverageSpend_FittedModel_MatchesHardieSpreadsheetForFirstTenCustomers()
    {
        // Fader and Hardie (2013) note 025 spreadsheet values for sample customers 1..10, as quoted by lifetimes'
        // test_conditional_expected_average_profit. The sheet uses the unrounded estimates (the rounded
        // 6.25 / 3.74 / 15.44 give a population mean of 35.22, not 35.17), so this uses our own fit.
        var summaries = SampleSummariesInSampleIdOrder();
        var model = GammaGammaModel.Fit(summaries).Model;
        double[] published = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];

        var actual = summaries.Take(10).Select(model.ExpectedAverageSpend).ToList();

        for (var i = 0; i < published.Length; i++)
        {
            Assert.Equal(published[i], actual[i], 0.005);
        }
    }

    [Fact]
    public void ExpectedPurchases_FittedModel_MatchesHardieSpreadsheet()
    {
        // The BG/NBD spreadsheet values quoted by lifetimes' tests: cumulative repeat purchases of a new customer,
        // and 1.226 expected purchases in 39 weeks for x 2, t_x 30.43, T 38.86.
        var model = BgNbdModel.Fit(SampleSummaries()).Model;
        (double Weeks, double Expected)[] curve = [(0.1429, 0.0078), (1, 0.0532), (3, 0.1506), (31.8571, 1.0405), (32, 1.0437), (78, 1.8576)];

        foreach (var (weeks, expected) in curve)
        {
            Assert.Equal(expected, model.ExpectedPurchasesOfNewCustomer(weeks), 0.0005);
        }

        Assert.Equal(1.226, model.ExpectedPurchases(39, 2, 30.43, 38.86), 0.0005);
    }

    [Fact]
    public void PredictedValue_FittedSampleModels_IsPositiveAndRanksRepeatBuyersFirst()
    {
        var summaries = SampleSummaries();
        var model = new CustomerValueModel(BgNbdModel.Fit(summaries).Model, GammaGammaModel.Fit(summaries).Model);

        var values = summaries.ToDictionary(s => s.CustomerId, s => model.PredictedValue(s, horizon: 39));
        var top = summaries.OrderByDescending(s => values[s.CustomerId]).Take(10).ToList();

        Assert.All(values.Values, v => Assert.True(v > 0 && double.IsFinite(v)));
        Assert.All(top, s => Assert.True(s.Frequency >= 5, $"{s.CustomerId} has x = {s.Frequency}"));
    }
}
