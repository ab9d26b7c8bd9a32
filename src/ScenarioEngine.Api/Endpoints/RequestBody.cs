using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>A request body read as bytes, or the problem that stopped it.</summary>
public sealed record BodyBytes(byte[]? Bytes, ProblemHttpResult? Problem);

/// <summary>A request body parsed as JSON, or the problem that stopped it. Dispose to return the document's buffers.</summary>
public sealed record BodyJson(JsonDocument? Document, byte[]? Bytes, ProblemHttpResult? Problem) : IDisposable
{
    /// <summary>The root element (only when there is no problem).</summary>
    public JsonElement Root => Document!.RootElement;

    /// <inheritdoc />
    public void Dispose() => Document?.Dispose();
}

/// <summary>
/// Reads request bodies with an explicit size limit (413 beyond it, whether or not Content-Length was sent) and parses JSON
/// with precise messages, so every endpoint reports body problems the same way.
/// </summary>
public static class RequestBody
{
    /// <summary>The default limit: 1 MiB.</summary>
    public const int DefaultLimit = 1 << 20;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>Reads at most <paramref name="limit"/> bytes.</summary>
    public static async Task<BodyBytes> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentType is { } type && !IsJson(type))
        {
            return new BodyBytes(null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"The body must be JSON (Content-Type: application/json), not '{type}'."));
        }

        if (request.ContentLength > limit)
        {
            return new BodyBytes(null, TooLarge(limit, request.ContentLength.Value));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 64 * 1024));
        try
        {
            using var collected = new MemoryStream();
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                collected.Write(buffer, 0, read);
                if (collected.Length > limit)
                {
                    return new BodyBytes(null, TooLarge(limit, null));
                }
            }

            return new BodyBytes(collected.ToArray(), null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads and parses a JSON body; an empty body is a problem unless <paramref name="allowEmpty"/>.</summary>
    public static async Task<BodyJson> ReadJsonAsync(HttpRequest request, int limit, CancellationToken cancellationToken, bool allowEmpty = false)
    {
        var body = await ReadAsync(request, limit, cancellationToken).ConfigureAwait(false);
        if (body.Problem is not null)
        {
            return new BodyJson(null, null, body.Problem);
        }

        return Parse(body.Bytes!, allowEmpty);
    }

    /// <summary>Parses bytes as one JSON document.</summary>
    public static BodyJson Parse(byte[] bytes, bool allowEmpty = false)
    {
        if (bytes.Length == 0)
        {
            return allowEmpty
                ? new BodyJson(null, bytes, null)
                : new BodyJson(null, bytes, Problems.Invalid("The body is empty", [new ApiError("$", "expected a JSON document")]));
        }

        try
        {
            return new BodyJson(JsonDocument.Parse(bytes, Options), bytes, null);
        }
        catch (JsonException ex)
        {
            return new BodyJson(null, bytes, Problems.Invalid("The body is not valid JSON", [new ApiError("$", Problems.Describe(ex))],
                "Nothing was accepted."));
        }
    }

    private static ProblemHttpResult TooLarge(int limit, long? length) =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "The body is too large",
            $"The body may hold at most {limit.ToString("N0", CultureInfo.InvariantCulture)} bytes" +
            (length is null ? "" : $"; this one has {length.Value.ToString("N0", CultureInfo.InvariantCulture)}") +
            ". Split it into several requests; nothing was accepted.");

    private static bool IsJson(string contentType)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
               mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase) ||
               mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase);
    }
}
