using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using ScenarioEngine.Channels;
using ScenarioEngine.Api;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>Postcard batches for the print vendor (scope admin).</summary>
public static class PostcardsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapPostcardsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/postcards/batches/{date}.csv", BatchAsync).WithName("GetPostcardBatch").RequireScope(ApiScope.Admin).WithTags("Postcards")
            .WithSummary("Exports the day's postcards as CSV (UTF-8 with BOM, CRLF) once; ?preview=true looks without closing the batch, ?again=true downloads an exported batch again.");
        return app;
    }

    /// <summary>One day's batch; a day without cards gives the header row only.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> BatchAsync(string date, bool? again, bool? preview, ChannelSet channels, HttpContext http, CancellationToken cancellationToken)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return Problems.Invalid("The date is invalid", [new ApiError("date", $"expected a date such as 2026-01-05, not '{date}'")]);
        }

        if (channels.Channels.OfType<PostcardBatchChannel>().FirstOrDefault() is not { } postcards)
        {
            return Problems.NotFound("Postcards are not batched in this host.");
        }

        if (preview == true)
        {
            // A look at the batch so far: it stays open.
            return TypedResults.File(PostcardCsv.ToBytes(await postcards.ReadBatchAsync(day, cancellationToken).ConfigureAwait(false)), "text/csv; charset=utf-8", $"postcards-{date}-preview.csv");
        }

        // The first download closes the day's batch (later cards go to the next day); a second download needs ?again=true, so a
        // batch is not printed twice by accident.
        var export = await postcards.ExportAsync(day, cancellationToken).ConfigureAwait(false);
        var exportedAt = export.ExportedAt.ToString("O", CultureInfo.InvariantCulture);
        if (!export.FirstExport && again != true)
        {
            return Problems.Conflict($"The postcard batch of {date} was already exported at {exportedAt}; add ?again=true to download it again.");
        }

        http.Response.Headers["X-Postcard-Batch-Exported-At"] = exportedAt;
        return TypedResults.File(PostcardCsv.ToBytes(export.Rows), "text/csv; charset=utf-8", $"postcards-{date}.csv");
    }
}
