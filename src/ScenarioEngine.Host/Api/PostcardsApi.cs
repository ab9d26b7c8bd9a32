using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using ScenarioEngine.Channels;
using ScenarioEngine.Host.Hosting;

namespace ScenarioEngine.Host.Api;

/// <summary>Postcard batches for the print vendor (scope admin).</summary>
public static class PostcardsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapPostcardsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/postcards/batches/{date}.csv", BatchAsync).RequireScope(ApiScope.Admin).WithTags("Postcards")
            .WithSummary("The day's postcards as CSV (UTF-8 with BOM, CRLF): address columns, then the message fields.");
        return app;
    }

    /// <summary>One day's batch; a day without cards gives the header row only.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> BatchAsync(string date, ChannelSet channels, CancellationToken cancellationToken)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return Problems.Invalid("The date is invalid", [new ApiError("date", $"expected a date such as 2026-01-05, not '{date}'")]);
        }

        if (channels.Channels.OfType<PostcardBatchChannel>().FirstOrDefault() is not { } postcards)
        {
            return Problems.NotFound("Postcards are not batched in this host.");
        }

        var rows = await postcards.ReadBatchAsync(day, cancellationToken).ConfigureAwait(false);
        return TypedResults.File(PostcardCsv.ToBytes(rows), "text/csv; charset=utf-8", $"postcards-{date}.csv");
    }
}
