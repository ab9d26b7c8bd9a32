using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ScenarioEngine.Api.Audit;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Api.Catalog;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>A saved segment.</summary>
public sealed record SegmentSaved(string Id, string Name, DateTimeOffset SavedAt);

/// <summary>A segment with its document.</summary>
public sealed record SegmentDetail(string Id, JsonElement Document, DateTimeOffset SavedAt);

/// <summary>JSON segment endpoints for marketers (read for GETs and exports, write to save or delete): define, list, delete and export for ad platforms.</summary>
public static class SegmentsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapSegmentsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/segments").WithTags("Segments");
        group.MapGet("/", ListAsync).WithName("ListSegments").RequireScope(ApiScope.Read).WithSummary("Every JSON segment.");
        group.MapGet("/{segmentId}", GetAsync).WithName("GetSegment").RequireScope(ApiScope.Read).WithSummary("One segment document.");
        group.MapPut("/{segmentId}", PutAsync).WithName("PutSegment").RequireScope(ApiScope.Write).Audited(AuditKinds.SegmentSaved, "segmentId").Accepts<JsonElement>("application/json")
            .WithSummary("Create or replace a segment (validated; evaluated from each customer's next event and by the daily job).");
        group.MapDelete("/{segmentId}", DeleteAsync).WithName("DeleteSegment").RequireScope(ApiScope.Write).Audited(AuditKinds.SegmentDeleted, "segmentId").WithSummary("Delete a segment (members keep its id in segments.current, without segment.left).");
        group.MapGet("/{segmentId}/export.csv", ExportAsync).WithName("ExportSegment").RequireScope(ApiScope.Read)
            .WithSummary("Members with ads consent as a customer-match CSV (?format=meta, the default, or google): SHA-256 of the normalised e-mail.");
        return app;
    }

    /// <summary>The list.</summary>
    public static async Task<Ok<IReadOnlyList<SegmentSummary>>> ListAsync(DefinitionStore definitions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await definitions.ListSegmentsAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>One segment.</summary>
    public static async Task<Results<Ok<SegmentDetail>, ProblemHttpResult>> GetAsync(string segmentId, DefinitionStore definitions, CancellationToken cancellationToken)
    {
        var doc = await definitions.GetSegmentAsync(segmentId, cancellationToken).ConfigureAwait(false);
        if (doc is null)
        {
            return Problems.NotFound($"No segment '{segmentId}'.");
        }

        using var json = JsonDocument.Parse(doc.Json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return TypedResults.Ok(new SegmentDetail(segmentId, json.RootElement.Clone(), doc.SavedAt));
    }

    /// <summary>Validates and saves a segment, then reloads this process's catalog (the others reload within the refresh interval).</summary>
    public static async Task<Results<Ok<SegmentSaved>, ProblemHttpResult>> PutAsync(
        string segmentId, HttpRequest request, DefinitionStore definitions, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!DocumentId.IsValid(segmentId))
        {
            return Problems.Invalid("The segment id is invalid", [new ApiError("segmentId", "expected letters, digits, '-', '_' or '.', starting with a letter or digit")]);
        }

        var body = await RequestBody.ReadTextAsync(request, RequestBody.DefaultLimit, cancellationToken).ConfigureAwait(false);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var json = body.Text!;
        var parsed = SegmentParser.Parse(json, Runtime.Engine.Catalog.ReservedSegmentIds);
        var errors = parsed.Errors.ToList();
        if (parsed.Value is { } segment && segment.Id != segmentId)
        {
            errors.Add(new ValidationError("$.id", $"the document's id '{segment.Id}' differs from the id in the URL '{segmentId}'"));
        }

        if (errors.Count > 0 || parsed.Value is null)
        {
            return Problems.Invalid("The segment is invalid", errors, $"{errors.Count} problem(s); the segment was not saved.");
        }

        var saved = await definitions.PutSegmentAsync(segmentId, json, cancellationToken).ConfigureAwait(false);
        await definitions.ReloadAsync(cancellationToken).ConfigureAwait(false);
        Log.SegmentSaved(loggers.CreateLogger(typeof(SegmentsApi)), segmentId);
        return TypedResults.Ok(new SegmentSaved(segmentId, parsed.Value.Name, saved.SavedAt));
    }

    /// <summary>Deletes a segment and reloads this process's catalog; refused (409) while a journey that is not archived names it (trigger or condition).</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string segmentId, JourneyEngine engine, DefinitionStore definitions, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        await definitions.ReloadAsync(cancellationToken).ConfigureAwait(false);
        var catalog = engine.Catalog;
        var users = catalog.List().Where(j => j.State != JourneyState.Archived).Select(j => catalog.Latest(j.Id))
            .Where(j => j is not null && PublishChecks.SegmentReferences(j).Any(r => r.Segment == segmentId)).Select(j => j!.Id).ToList();
        if (users.Count > 0)
        {
            return Problems.Conflict($"Journey {string.Join(", ", users.Select(u => $"'{u}'"))} names segment '{segmentId}' in its trigger or a condition: " +
                                     "archive the journey or publish a version without it first.");
        }

        if (!await definitions.DeleteSegmentAsync(segmentId, cancellationToken).ConfigureAwait(false))
        {
            return Problems.NotFound($"No segment '{segmentId}'.");
        }

        await definitions.ReloadAsync(cancellationToken).ConfigureAwait(false);
        Log.SegmentDeleted(loggers.CreateLogger(typeof(SegmentsApi)), segmentId);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Streams the members of a JSON segment (or an RFM segment id) as CSV, as <see cref="JourneyEngine.ExportSegmentCsvAsync"/>
    /// writes it: only members with ads consent and a usable e-mail address.
    /// </summary>
    public static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> ExportAsync(
        string segmentId, string? format, JourneyEngine engine, DefinitionStore definitions, CancellationToken cancellationToken)
    {
        SegmentExportFormat exportFormat;
        if (format is null || string.Equals(format, "meta", StringComparison.OrdinalIgnoreCase))
        {
            exportFormat = SegmentExportFormat.Meta;
        }
        else if (string.Equals(format, "google", StringComparison.OrdinalIgnoreCase))
        {
            exportFormat = SegmentExportFormat.Google;
        }
        else
        {
            return Problems.Invalid("The query is invalid", [new ApiError("format", $"expected meta or google, not '{format}'")]);
        }

        // The stored document, not this process's catalog, decides: membership is read from the profiles either way.
        if (!Runtime.Engine.Catalog.ReservedSegmentIds.Contains(segmentId) &&
            await definitions.GetSegmentAsync(segmentId, cancellationToken).ConfigureAwait(false) is null)
        {
            return Problems.NotFound($"No segment '{segmentId}'.");
        }

        return TypedResults.Stream(async stream =>
        {
            var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
            await using (writer.ConfigureAwait(false))
            {
                await engine.ExportSegmentCsvAsync(segmentId, writer, exportFormat, cancellationToken).ConfigureAwait(false);
            }
        }, "text/csv; charset=utf-8", $"{segmentId}-{(exportFormat == SegmentExportFormat.Google ? "google" : "meta")}.csv");
    }
}
