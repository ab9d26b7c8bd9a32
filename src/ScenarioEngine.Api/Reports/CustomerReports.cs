using ScenarioEngine.Analytics;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Api.Reports;

/// <summary>What the reports read from one profile: the purchase aggregates (orders.*), the latest NPS answer and the assigned RFM segment.</summary>
/// <param name="CustomerId">The customer id.</param>
/// <param name="Orders">orders.count, orders.total, orders.items, orders.firstAt and orders.lastAt.</param>
/// <param name="NpsRating">nps.score as the whole-number rating NPS classifies, or null.</param>
/// <param name="RfmSegment">rfm.segment as the daily analytics job last assigned it, or null.</param>
public sealed record CustomerFigures(string CustomerId, PurchaseAggregates Orders, int? NpsRating, string? RfmSegment);

/// <summary>The breakpoints an RFM analysis used: four ascending values per axis.</summary>
public sealed record RfmBreakpointsView(IReadOnlyList<double> RecencyDays, IReadOnlyList<double> Frequency, IReadOnlyList<decimal> Monetary)
{
    /// <summary>The view of <paramref name="breakpoints"/>, or null.</summary>
    public static RfmBreakpointsView? From(RfmBreakpoints? breakpoints) =>
        breakpoints is null ? null : new RfmBreakpointsView(breakpoints.RecencyDays, breakpoints.Frequency, breakpoints.Monetary);
}

/// <summary>One RFM segment of the report.</summary>
/// <param name="Segment">The segment id (kebab-case).</param>
/// <param name="Customers">Customers in it by this analysis.</param>
/// <param name="Assigned">Customers whose rfm.segment holds it (as of the last daily run).</param>
public sealed record RfmSegmentCount(string Segment, int Customers, int Assigned);

/// <summary>One cell of the recency by frequency grid: the buyers with these two scores and what they spent.</summary>
public sealed record RfmGridCell(int RecencyScore, int FrequencyScore, int Customers, decimal Revenue);

/// <summary>GET /api/reports/rfm: RFM over every buyer as of <paramref name="AsOf"/>, with population quintiles.</summary>
/// <param name="AsOf">When the analysis was made.</param>
/// <param name="Customers">Buyers analysed.</param>
/// <param name="Breakpoints">The quintile breakpoints, or null while nobody has bought.</param>
/// <param name="Segments">Every segment with its customers.</param>
/// <param name="Grid">The 25 cells of recency score (1-5) by frequency score (1-5), every cell listed.</param>
public sealed record RfmReport(DateTimeOffset AsOf, int Customers, RfmBreakpointsView? Breakpoints, IReadOnlyList<RfmSegmentCount> Segments, IReadOnlyList<RfmGridCell> Grid);

/// <summary>GET /api/reports/deciles: buyers ranked by orders.total into ten groups, decile 1 the top spenders.</summary>
public sealed record DecilesReport(int Customers, decimal TotalRevenue, IReadOnlyList<Decile> Deciles);

/// <summary>The fitted BG/NBD purchase model (weekly time units).</summary>
public sealed record BgNbdView(double R, double Alpha, double A, double B);

/// <summary>The fitted Gamma-Gamma spend model.</summary>
public sealed record GammaGammaView(double P, double Q, double V, int CustomersUsed);

/// <summary>One customer's lifetime-value figures.</summary>
/// <param name="CustomerId">The customer id.</param>
/// <param name="Orders">orders.count.</param>
/// <param name="Spend">orders.total.</param>
/// <param name="PAlive">BG/NBD probability that the customer is still active.</param>
/// <param name="ExpectedPurchases">Expected purchases over the horizon.</param>
/// <param name="ExpectedAverageSpend">Gamma-Gamma expected spend per purchase, or null when the spend model is unavailable.</param>
/// <param name="PredictedValue">Expected purchases times expected spend, undiscounted, or null when the spend model is unavailable.</param>
public sealed record CustomerClv(string CustomerId, int Orders, decimal Spend, double PAlive, double ExpectedPurchases, double? ExpectedAverageSpend, double? PredictedValue);

/// <summary>GET /api/reports/clv: the models fitted over every buyer and the customers with the highest predicted value.</summary>
/// <param name="AsOf">The time the customers' ages and recencies are measured at.</param>
/// <param name="HorizonDays">The horizon of expected purchases and predicted value.</param>
/// <param name="Customers">Buyers the models were fitted over.</param>
/// <param name="RepeatCustomers">Buyers with more than one order.</param>
/// <param name="Purchases">The BG/NBD model.</param>
/// <param name="Spend">The Gamma-Gamma model, or null when it could not be fitted (no repeat spend, or no convergence).</param>
/// <param name="TotalPredictedValue">Sum of every buyer's predicted value, or null without a spend model.</param>
/// <param name="Top">Customers by predicted value (expected purchases without a spend model), highest first.</param>
public sealed record ClvReport(
    DateTimeOffset AsOf, int HorizonDays, int Customers, int RepeatCustomers, BgNbdView Purchases, GammaGammaView? Spend, double? TotalPredictedValue,
    IReadOnlyList<CustomerClv> Top);

/// <summary>A CLV report, or why there is none (an expected outcome with too little data, not an error).</summary>
public sealed record ClvOutcome(ClvReport? Report, string? Unavailable);

/// <summary>One customer's ranks on every axis (1 = best, ties share a rank) and the values they were ranked by.</summary>
public sealed record RankedCustomer(
    string CustomerId, int SpendRank, int FrequencyRank, int RecencyRank, int PredictedValueRank, int NpsRank, int BestRank, int WorstRank, int Spread,
    decimal? Spend, int? Frequency, double? RecencyDays, double? PredictedValue, int? NpsRating);

/// <summary>GET /api/reports/ranking.</summary>
/// <param name="AsOf">The time recency is measured at.</param>
/// <param name="Customers">Customers ranked: buyers and NPS respondents.</param>
/// <param name="PredictedValue">Where predicted value comes from, or why every customer shares the last rank on it.</param>
/// <param name="Top">The first customers by spend rank, then id.</param>
public sealed record RankingReport(DateTimeOffset AsOf, int Customers, string PredictedValue, IReadOnlyList<RankedCustomer> Top);

/// <summary>
/// Reports over live data: a scan of every profile's computed values (orders.*, nps.score, rfm.segment), analysed with
/// ScenarioEngine.Analytics as the daily job does. Scans are for reports, not for a dashboard refreshing every second.
/// </summary>
public sealed class CustomerReports(IRowStore store, JourneyEngine engine, TimeProvider time)
{
    /// <summary>Repeat customers the lifetime-value models need, as in the daily analytics job.</summary>
    public const int MinimumRepeatCustomers = 20;

    /// <summary>The horizon of the CLV report's expected purchases and predicted values.</summary>
    public const int HorizonDays = 365;

    private const double DaysPerWeek = 7;

    /// <summary>Every profile's figures, in customer-id order.</summary>
    public async Task<IReadOnlyList<CustomerFigures>> ScanAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<CustomerFigures>();
        await foreach (var row in store.ScanAsync(engine.Options.CustomersTable, Codec.ProfileKey, cancellationToken).ConfigureAwait(false))
        {
            var computed = Codec.Read<ProfileDoc>(row).Computed;
            var orders = ProfileFigures.Orders(computed);
            int? nps = computed.TryGetValue("nps.score", out var s) && s.TryGetNumber(out var score) && score is >= 0 and <= 10 ? (int)Math.Floor(score) : null;
            var rfm = computed.TryGetValue("rfm.segment", out var r) && r.Kind == ValueKind.String ? r.AsString : null;
            list.Add(new CustomerFigures(row.PartitionKey, orders, nps, rfm));
        }

        return list.OrderBy(c => c.CustomerId, StringComparer.Ordinal).ToList();
    }

    /// <summary>RFM over every buyer with population quintiles, beside the segments the daily job last assigned.</summary>
    public async Task<RfmReport> RfmAsync(CancellationToken cancellationToken = default)
    {
        var all = await ScanAsync(cancellationToken).ConfigureAwait(false);
        var buyers = Buyers(all);
        var asOf = AsOf(buyers);
        var breakpoints = buyers.Count == 0 ? null : RfmBreakpoints.FromPopulation(buyers.Select(b => RfmValues.From(b.Orders, asOf)));
        var results = RfmAnalysis.Analyze(buyers.Select(b => KeyValuePair.Create(b.CustomerId, b.Orders)), asOf, breakpoints);
        var counts = RfmAnalysis.CountBySegment(results);
        var assigned = all.Where(c => c.RfmSegment is not null).GroupBy(c => c.RfmSegment!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var segments = RfmSegments.All.Select(s => new RfmSegmentCount(RfmSegments.Id(s), counts[s], assigned.GetValueOrDefault(RfmSegments.Id(s)))).ToList();
        var cells = results.GroupBy(r => (r.Score.Recency, r.Score.Frequency)).ToDictionary(g => g.Key, g => (Customers: g.Count(), Revenue: g.Sum(r => r.Values.Monetary)));
        var grid = (from r in Enumerable.Range(1, 5)
                    from f in Enumerable.Range(1, 5)
                    let c = cells.GetValueOrDefault((r, f))
                    select new RfmGridCell(r, f, c.Customers, c.Revenue)).ToList();
        return new RfmReport(asOf, buyers.Count, RfmBreakpointsView.From(breakpoints), segments, grid);
    }

    /// <summary>Decile analysis of every buyer's orders.total.</summary>
    public async Task<DecilesReport> DecilesAsync(CancellationToken cancellationToken = default)
    {
        var buyers = Buyers(await ScanAsync(cancellationToken).ConfigureAwait(false));
        var report = DecileAnalysis.Compute(buyers.Select(b => KeyValuePair.Create(b.CustomerId, b.Orders)));
        return new DecilesReport(buyers.Count, report.TotalRevenue, report.Deciles);
    }

    /// <summary>BG/NBD and Gamma-Gamma fitted over every buyer; unavailable with fewer than <see cref="MinimumRepeatCustomers"/> repeat customers.</summary>
    public async Task<ClvOutcome> ClvAsync(int top, CancellationToken cancellationToken = default)
    {
        var buyers = Buyers(await ScanAsync(cancellationToken).ConfigureAwait(false));
        var asOf = AsOf(buyers);
        var fit = Fit(buyers, asOf);
        if (fit.Model is not { } model)
        {
            return new ClvOutcome(null, fit.Unavailable);
        }

        var horizon = HorizonDays / DaysPerWeek;
        var customers = buyers.Select((b, i) =>
        {
            var summary = fit.Summaries[i];
            var spend = model.Spend is null ? (double?)null : ExpectedSpend(model.Spend, summary);
            var purchases = model.Purchases.ExpectedPurchases(horizon, summary);
            return new CustomerClv(b.CustomerId, b.Orders.OrderCount, b.Orders.TotalSpend, Math.Round(model.Purchases.ProbabilityAlive(summary), 4),
                Math.Round(purchases, 4), spend is null ? null : Math.Round(spend.Value, 2), spend is null ? null : Math.Round(purchases * spend.Value, 2));
        }).ToList();
        var ranked = customers.OrderByDescending(c => c.PredictedValue ?? c.ExpectedPurchases).ThenBy(c => c.CustomerId, StringComparer.Ordinal).Take(top).ToList();
        var p = model.Purchases;
        var gg = model.Spend is { } g ? new GammaGammaView(g.P, g.Q, g.V, model.SpendCustomers) : null;
        return new ClvOutcome(new ClvReport(asOf, HorizonDays, buyers.Count, fit.Summaries.Count(s => s.Frequency > 0), new BgNbdView(p.R, p.Alpha, p.A, p.B), gg,
            gg is null ? null : Math.Round(customers.Sum(c => c.PredictedValue ?? 0), 2), ranked), null);
    }

    /// <summary>Buyers and NPS respondents ranked on spend, frequency, recency, predicted value (when the CLV models fit) and NPS.</summary>
    public async Task<RankingReport> RankingAsync(int top, CancellationToken cancellationToken = default)
    {
        var all = await ScanAsync(cancellationToken).ConfigureAwait(false);
        var buyers = Buyers(all);
        var asOf = AsOf(buyers);
        var fit = Fit(buyers, asOf);
        var predicted = new Dictionary<string, double>(StringComparer.Ordinal);
        string source;
        if (fit.Model is { Spend: { } spendModel } model)
        {
            source = $"BG/NBD and Gamma-Gamma: expected spend over {HorizonDays} days";
            for (var i = 0; i < buyers.Count; i++)
            {
                if (ExpectedSpend(spendModel, fit.Summaries[i]) is { } spend)
                {
                    predicted[buyers[i].CustomerId] = Math.Round(model.Purchases.ExpectedPurchases(HorizonDays / DaysPerWeek, fit.Summaries[i]) * spend, 2);
                }
            }
        }
        else
        {
            source = "unavailable: " + (fit.Unavailable ?? "the Gamma-Gamma spend model could not be fitted");
        }

        var axes = all.Where(c => c.Orders.OrderCount > 0 || c.NpsRating is not null).Select(c => new CustomerAxes(c.CustomerId)
        {
            Spend = c.Orders.OrderCount > 0 ? c.Orders.TotalSpend : null,
            Frequency = c.Orders.OrderCount > 0 ? c.Orders.OrderCount : null,
            RecencyDays = c.Orders is { OrderCount: > 0, LastPurchaseAt: { } last } ? Math.Round(Math.Max((asOf - last).TotalDays, 0), 2) : null,
            PredictedValue = predicted.TryGetValue(c.CustomerId, out var v) ? v : null,
            NpsRating = c.NpsRating,
        }).ToList();
        var byId = axes.ToDictionary(a => a.CustomerId, StringComparer.Ordinal);
        var ranks = MultiAxisRanking.Rank(axes).Take(top).Select(r =>
        {
            var a = byId[r.CustomerId];
            return new RankedCustomer(r.CustomerId, r.SpendRank, r.FrequencyRank, r.RecencyRank, r.PredictedValueRank, r.NpsRank, r.BestRank, r.WorstRank, r.Spread,
                a.Spend, a.Frequency, a.RecencyDays, a.PredictedValue, a.NpsRating);
        }).ToList();
        return new RankingReport(asOf, axes.Count, source, ranks);
    }

    private sealed record Models(BgNbdModel Purchases, GammaGammaModel? Spend, int SpendCustomers);

    private sealed record FitResult(Models? Model, IReadOnlyList<CustomerSummary> Summaries, string? Unavailable);

    private static List<CustomerFigures> Buyers(IEnumerable<CustomerFigures> all) =>
        all.Where(c => c.Orders is { OrderCount: > 0, FirstPurchaseAt: not null, LastPurchaseAt: not null }).ToList();

    /// <summary>Now, or the latest purchase when a shop's clock is ahead: measures must not precede a purchase.</summary>
    private DateTimeOffset AsOf(IEnumerable<CustomerFigures> buyers)
    {
        var now = time.GetUtcNow();
        var latest = buyers.Select(b => b.Orders.LastPurchaseAt!.Value).DefaultIfEmpty(now).Max();
        return latest > now ? latest : now;
    }

    /// <summary>
    /// The summaries the daily job builds (weeks; repeat purchases counted per order), with the average order value as the average
    /// repeat spend: profiles keep totals, not each order's amount.
    /// </summary>
    private static FitResult Fit(IReadOnlyList<CustomerFigures> buyers, DateTimeOffset asOf)
    {
        var summaries = buyers.Select(b => ProfileFigures.Summary(b.CustomerId, b.Orders, asOf)).ToList();
        var repeat = summaries.Count(s => s.Frequency > 0);
        if (repeat < MinimumRepeatCustomers)
        {
            return new FitResult(null, summaries, $"not enough repeat customers to fit: {repeat} of {summaries.Count} buyers ordered more than once; the models need {MinimumRepeatCustomers}");
        }

        var purchases = BgNbdModel.Fit(summaries);
        if (!purchases.Converged)
        {
            return new FitResult(null, summaries, $"the BG/NBD model did not converge over {summaries.Count} buyers ({repeat} repeat customers)");
        }

        GammaGammaFit? spend = summaries.Any(s => s.Frequency > 0 && s.AverageRepeatSpend > 0m) ? GammaGammaModel.Fit(summaries) : null;
        return new FitResult(new Models(purchases.Model, spend is { Converged: true } ? spend.Model : null, spend?.CustomersUsed ?? 0), summaries, null);
    }

    /// <summary>Expected spend per purchase; null for a customer without repeat purchases when the population mean is infinite (q &lt;= 1).</summary>
    private static double? ExpectedSpend(GammaGammaModel model, CustomerSummary summary) =>
        summary.Frequency == 0 && model.Q <= 1 ? null : model.ExpectedAverageSpend(summary);
}
