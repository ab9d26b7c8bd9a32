using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using ScenarioEngine.Channels;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>Postcard batches for the print vendor (scope read).</summary>
public static class PostcardsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapPostcardsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/postcards/batches/{date}.csv", BatchAsync).WithName("GetPostcardBatch").RequireScope(ApiScope.Read).WithTags("Postcards")
            .WithSummary("Exports the day's postcards as CSV (UTF-8 with BOM, CRLF) once; ?preview=true looks without closing the batch, ?again=true downloads an exported batch again.");
        return app;
    }

    /// <summary>The response header counting the cards left out of the CSV because they cannot be written (see <see cref="PostcardCsv.Partition"/>).</summary>
    public const string SkippedHeader = "X-Postcard-Batch-Skipped";

    /// <summary>
    /// One day's batch; a day without cards gives the header row only. A stored card the CSV cannot hold (a field named like an
    /// address column, saved before messages were checked for it) is left out, logged and counted in <see cref="SkippedHeader"/>,
    /// so it never stops the other cards from printing.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> BatchAsync(string date, bool? again, bool? preview, ChannelSet channels, HttpContext http,
        ILoggerFactory loggers, CancellationToken cancellationToken)
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
            return TypedResults.File(Csv(await postcards.ReadBatchAsync(day, cancellationToken).ConfigureAwait(false), date, http, loggers), "text/csv; charset=utf-8", $"postcards-{date}-preview.csv");
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
        return TypedResults.File(Csv(export.Rows, date, http, loggers), "text/csv; charset=utf-8", $"postcards-{date}.csv");
    }

    private static byte[] Csv(IReadOnlyList<PostcardRow> rows, string date, HttpContext http, ILoggerFactory loggers)
    {
        var (printable, unprintable) = PostcardCsv.Partition(rows);
        http.Response.Headers[SkippedHeader] = unprintable.Count.ToString(CultureInfo.InvariantCulture);
        if (unprintable.Count > 0)
        {
            var logger = loggers.CreateLogger(typeof(PostcardsApi));
            foreach (var (_, reason) in unprintable)
            {
                Log.PostcardSkipped(logger, date, reason);
            }
        }

        return PostcardCsv.ToBytes(printable);
    }
}
