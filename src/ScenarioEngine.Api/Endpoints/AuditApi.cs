using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using ScenarioEngine.Api.Audit;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>GET /api/audit: the changes made through the API, newest first (scope read).</summary>
public static class AuditApi
{
    private const int DefaultPage = 100;

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", QueryAsync).WithName("GetAuditLog").RequireScope(ApiScope.Read).WithTags("Audit")
            .WithSummary("Changes made through the API, newest first (?key=&kind=&target=&from=&to=&max=1..1000&after=<next>).");
        return app;
    }

    /// <summary>A page of the audit log.</summary>
    public static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> QueryAsync(
        string? key, string? kind, string? target, string? from, string? to, int? max, string? after, AuditLog audit, CancellationToken cancellationToken)
    {
        var errors = new List<ApiError>();
        var fromTime = Time(from, "from", errors);
        var toTime = Time(to, "to", errors);
        if (fromTime > toTime)
        {
            errors.Add(new ApiError("from", "expected a time at or before 'to'"));
        }

        if (max is < 1 or > AuditLog.MaxPage)
        {
            errors.Add(new ApiError("max", $"expected 1 to {AuditLog.MaxPage}"));
        }

        if (after is not null && !AuditLog.IsCursor(after))
        {
            errors.Add(new ApiError("after", "expected the 'next' value of a previous page"));
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid("The query is invalid", errors);
        }

        return TypedResults.Ok(await audit.QueryAsync(new AuditQuery(Blank(key), Blank(kind), Blank(target), fromTime, toTime, max ?? DefaultPage, after), cancellationToken)
            .ConfigureAwait(false));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DateTimeOffset? Time(string? value, string field, List<ApiError> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        errors.Add(new ApiError(field, "expected an ISO 8601 time such as 2026-12-01T00:00:00Z"));
        return null;
    }
}
