using Microsoft.AspNetCore.Http.HttpResults;
using ScenarioEngine.Api.Audit;
using ScenarioEngine.Api.Reports;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>POST /api/system/analytics/recompute: what the analytics job found and changed.</summary>
/// <param name="AsOf">The time the job measured at.</param>
/// <param name="Customers">Customers with at least one purchase.</param>
/// <param name="Updated">Customers whose RFM or CLV values changed (an analytics.updated event each).</param>
/// <param name="SegmentChanges">Customers who entered another RFM segment.</param>
/// <param name="Refreshed">Customers re-evaluated because time alone moved their lead score or JSON segment membership.</param>
/// <param name="Breakpoints">The RFM breakpoints used, or null when nobody has bought yet.</param>
/// <param name="Clv">The BG/NBD model fitted, or null with too few repeat customers.</param>
public sealed record AnalyticsRunView(DateTimeOffset AsOf, int Customers, int Updated, int SegmentChanges, int Refreshed, RfmBreakpointsView? Breakpoints, BgNbdView? Clv);

/// <summary>Reports over live customer data, and running the analytics job on demand (scope read for GETs, publish for the analytics run).</summary>
public static class ReportsApi
{
    private const int MaxTop = 1000;

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapReportsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/reports").WithTags("Reports");
        group.MapGet("/rfm", RfmAsync).WithName("GetRfmReport").RequireScope(ApiScope.Read).WithSummary("RFM segment counts over every buyer now (population quintiles), the breakpoints, and the segments last assigned.");
        group.MapGet("/deciles", DecilesAsync).WithName("GetDecilesReport").RequireScope(ApiScope.Read).WithSummary("Buyers in ten spend deciles with their share of revenue.");
        group.MapGet("/nps", NpsAsync).WithName("GetNpsReport").RequireScope(ApiScope.Read).WithSummary("NPS overall, by month, journey, RFM segment and JSON segment.");
        group.MapGet("/clv", ClvAsync).WithName("GetClvReport").RequireScope(ApiScope.Read).WithSummary("BG/NBD and Gamma-Gamma fitted over every buyer; the customers with the highest predicted value (?top=20).");
        group.MapGet("/ranking", RankingAsync).WithName("GetRankingReport").RequireScope(ApiScope.Read).WithSummary("Customers ranked by spend, frequency, recency, predicted value and NPS side by side (?top=20).");
        app.MapPost("/api/system/analytics/recompute", RecomputeAsync).WithName("RecomputeAnalytics").RequireScope(ApiScope.Publish).Audited(AuditKinds.AnalyticsRecomputed).WithTags("Reports")
            .WithSummary("Run the daily analytics job now (RFM, P(alive), lead-score decay, segment membership).");
        return app;
    }

    /// <summary>RFM.</summary>
    public static async Task<Ok<RfmReport>> RfmAsync(CustomerReports reports, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reports.RfmAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Deciles.</summary>
    public static async Task<Ok<DecilesReport>> DecilesAsync(CustomerReports reports, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reports.DecilesAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>NPS.</summary>
    public static async Task<Ok<NpsReport>> NpsAsync(JourneyEngine engine, CancellationToken cancellationToken) =>
        TypedResults.Ok(await engine.GetNpsAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Lifetime value; 409 when there are too few repeat customers to fit the models.</summary>
    public static async Task<Results<Ok<ClvReport>, ProblemHttpResult>> ClvAsync(int? top, CustomerReports reports, CancellationToken cancellationToken)
    {
        if (CheckTop(top) is { } problem)
        {
            return problem;
        }

        var outcome = await reports.ClvAsync(top ?? 20, cancellationToken).ConfigureAwait(false);
        return outcome.Report is { } report ? TypedResults.Ok(report) : Problems.Conflict(outcome.Unavailable!);
    }

    /// <summary>Multi-axis ranking.</summary>
    public static async Task<Results<Ok<RankingReport>, ProblemHttpResult>> RankingAsync(int? top, CustomerReports reports, CancellationToken cancellationToken)
    {
        if (CheckTop(top) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(await reports.RankingAsync(top ?? 20, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Runs the analytics job now; its events are queued and applied by the workers a moment later.</summary>
    public static async Task<Ok<AnalyticsRunView>> RecomputeAsync(JourneyEngine engine, TimeProvider time, CancellationToken cancellationToken)
    {
        var asOf = time.GetUtcNow();
        var run = await engine.RecomputeAnalyticsAsync(asOf, cancellationToken: cancellationToken).ConfigureAwait(false);
        var clv = run.Clv is { } m ? new BgNbdView(m.R, m.Alpha, m.A, m.B) : null;
        return TypedResults.Ok(new AnalyticsRunView(asOf, run.Customers, run.Updated, run.SegmentChanges, run.Refreshed, RfmBreakpointsView.From(run.Breakpoints), clv));
    }

    private static ProblemHttpResult? CheckTop(int? top) =>
        top is null or (>= 1 and <= MaxTop) ? null : Problems.Invalid("The query is invalid", [new ApiError("top", $"expected 1 to {MaxTop}, not {top}")]);
}
