using System.Globalization;
using ScenarioEngine.Analytics;

namespace ScenarioEngine.Cli;

/// <summary>The analytics reports of `scenario report`, over CDNOW files or JSON-lines purchases.</summary>
internal static class Reports
{
    private static List<Purchase> ReadPurchases(string file)
    {
        using var reader = new StreamReader(file);
        return file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? JsonLinesPurchaseReader.Read(reader).ToList() : CdnowReader.Read(reader).ToList();
    }

    private static DateTimeOffset AsOf(string? asOf, List<Purchase> purchases) =>
        asOf is null ? purchases.Max(p => p.At).AddDays(1) : DateTimeOffset.Parse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static int Rfm(string file, string? asOf, TextWriter output)
    {
        var purchases = ReadPurchases(file);
        var when = AsOf(asOf, purchases);
        var results = RfmAnalysis.Analyze(PurchaseAggregates.ByCustomer(purchases), when);
        output.WriteLine($"RFM as of {when:yyyy-MM-dd}: {results.Count} customers, {purchases.Count} purchases");
        foreach (var (segment, count) in RfmAnalysis.CountBySegment(results).OrderByDescending(kv => kv.Value))
        {
            output.WriteLine($"  {RfmSegments.Id(segment),-22} {count,8} {100.0 * count / results.Count,7:F1}%");
        }

        return 0;
    }

    public static int Deciles(string file, TextWriter output)
    {
        var purchases = ReadPurchases(file);
        var report = DecileAnalysis.Compute(PurchaseAggregates.ByCustomer(purchases));
        output.WriteLine($"Deciles by spend: total revenue {report.TotalRevenue:N2}");
        output.WriteLine("  decile  customers      revenue   share  cumulative");
        foreach (var d in report.Deciles)
        {
            output.WriteLine($"  {d.Number,6} {d.CustomerCount,10} {d.Revenue,12:N2} {d.ShareOfRevenue * 100,6:F1}% {d.CumulativeShare * 100,9:F1}%");
        }

        return 0;
    }

    public static int Nps(string file, TextWriter output, TextWriter error)
    {
        // nps.response events in the engine's JSON-lines event format.
        using var reader = new StreamReader(file);
        var (events, errors) = Runtime.Engine.EventJson.ReadLines(reader, Path.GetFileName(file));
        foreach (var e in errors)
        {
            error.WriteLine($"{e.Path}: {e.Message}");
        }

        var responses = events.Where(e => e.Type == "nps.response" && e.Properties.TryGetValue("score", out _))
            .Select(e => new NpsResponse(e.CustomerId, e.OccurredAt, (int)e.Properties["score"].AsNumber,
                e.Properties.TryGetValue("journey", out var j) ? j.AsString : null)).ToList();
        var overall = Analytics.Nps.Score(responses.Select(r => r.Rating));
        output.WriteLine($"NPS {overall.Score:F1} over {overall.Total} responses (promoters {overall.Promoters}, passives {overall.Passives}, detractors {overall.Detractors})");
        foreach (var (month, result) in Analytics.Nps.ByMonth(responses).OrderBy(kv => kv.Key))
        {
            output.WriteLine($"  {month:yyyy-MM}  NPS {result.Score,6:F1}  n={result.Total}");
        }

        foreach (var (journey, result) in Analytics.Nps.ByJourney(responses.Where(r => r.Journey is not null)))
        {
            output.WriteLine($"  journey {journey}: NPS {result.Score:F1} n={result.Total}");
        }

        return errors.Count > 0 ? 1 : 0;
    }

    public static int Clv(string file, string? asOf, TextWriter output)
    {
        var purchases = ReadPurchases(file);
        var end = DateOnly.FromDateTime(AsOf(asOf, purchases).UtcDateTime).AddDays(-1);
        var summaries = CustomerSummaries.FromPurchases(purchases, end, TimeUnit.Weeks);
        var bg = BgNbdModel.Fit(summaries);
        var gg = GammaGammaModel.Fit(summaries);
        var value = new CustomerValueModel(bg.Model, gg.Model);
        output.WriteLine($"BG/NBD (weeks, calibration to {end:yyyy-MM-dd}): r={bg.Model.R:F4} alpha={bg.Model.Alpha:F4} a={bg.Model.A:F4} b={bg.Model.B:F4} LL={bg.LogLikelihood:F2}");
        output.WriteLine($"Gamma-Gamma: p={gg.Model.P:F4} q={gg.Model.Q:F4} v={gg.Model.V:F4} LL={gg.LogLikelihood:F2} ({gg.CustomersUsed} repeat customers)");
        output.WriteLine("top 10 customers by predicted 52-week value:");
        foreach (var s in summaries.OrderByDescending(s => value.PredictedValue(s, 52)).Take(10))
        {
            output.WriteLine($"  {s.CustomerId,-8} value {value.PredictedValue(s, 52),9:F2}  P(alive) {bg.Model.ProbabilityAlive(s):F3}  expected purchases {bg.Model.ExpectedPurchases(52, s):F2}");
        }

        return 0;
    }
}
