using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using ScenarioEngine.Core.Language;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>A request body read as bytes, or the problem that stopped it.</summary>
public sealed record BodyBytes(byte[]? Bytes, ProblemHttpResult? Problem);

/// <summary>A request body decoded as UTF-8 text, or the problem that stopped it.</summary>
public sealed record BodyText(string? Text, ProblemHttpResult? Problem);

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

    /// <summary>Reads at most <paramref name="limit"/> bytes as UTF-8 text; bytes that are not UTF-8 are a problem, never replaced.</summary>
    public static async Task<BodyText> ReadTextAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var body = await ReadAsync(request, limit, cancellationToken).ConfigureAwait(false);
        if (body.Problem is not null)
        {
            return new BodyText(null, body.Problem);
        }

        return Utf8Problem(body.Bytes!) is { } notUtf8 ? new BodyText(null, notUtf8) : new BodyText(Encoding.UTF8.GetString(body.Bytes!), null);
    }

    /// <summary>A 400 naming the first byte that is not UTF-8, or null when all of them are.</summary>
    private static ProblemHttpResult? Utf8Problem(byte[] bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return null;
        }

        Utf8.ToUtf16(bytes, new char[bytes.Length], out var valid, out _, replaceInvalidSequences: false);
        return Problems.Invalid("The body is not valid JSON",
            [new ApiError("$", $"not valid UTF-8 at byte {(valid + 1).ToString("N0", CultureInfo.InvariantCulture)}: JSON text is UTF-8")], "Nothing was accepted.");
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

    /// <summary>
    /// Reads a JSON body bound to a record through its source-generated metadata (the record validates its own fields); a value of
    /// the wrong type is a 400 at its path. An empty body gives a null value when <paramref name="allowEmpty"/>.
    /// </summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> typeInfo, int limit, CancellationToken cancellationToken, bool allowEmpty = false)
        where T : class
    {
        using var body = await ReadJsonAsync(request, limit, cancellationToken, allowEmpty).ConfigureAwait(false);
        if (body.Problem is not null || body.Document is null)
        {
            return (null, body.Problem);
        }

        if (body.Root.ValueKind != JsonValueKind.Object)
        {
            return (null, Problems.Invalid("The request is invalid", [new ApiError("$", $"expected an object, found {body.Root.ValueKind.ToString().ToLowerInvariant()}")]));
        }

        try
        {
            return (body.Root.Deserialize(typeInfo), null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.Invalid("The request is invalid", [new ApiError(ex.Path ?? "$", WrongType(typeInfo, ex.Path))]));
        }
    }

    // What the record's property at the failing path holds, in the words of JSON: "expected a string", "expected an array"...
    private static string WrongType(JsonTypeInfo typeInfo, string? path)
    {
        var name = path is { Length: > 2 } && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..].Split('.', '[')[0] : null;
        var type = typeInfo.Properties.FirstOrDefault(p => p.Name == name)?.PropertyType;
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        var expected = type is null ? null
            : type == typeof(string) ? "a string"
            : type.IsAssignableTo(typeof(System.Collections.IDictionary)) ? "an object"
            : type.IsAssignableTo(typeof(System.Collections.IEnumerable)) ? "an array"
            : null;
        return expected is null ? "has the wrong type" : "has the wrong type: expected " + expected;
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

        // The parser checks UTF-8 only where it reads text; a bad byte inside a string or name would throw later, when it is read.
        if (Utf8Problem(bytes) is { } notUtf8)
        {
            return new BodyJson(null, bytes, notUtf8);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, Options);
        }
        catch (JsonException ex)
        {
            return new BodyJson(null, bytes, Problems.Invalid("The body is not valid JSON", [new ApiError("$", Problems.Describe(ex))],
                "Nothing was accepted."));
        }

        // Only a \u escape can spell half a surrogate pair (raw bytes are checked as UTF-8 by the parser), so most bodies skip the walk.
        if (bytes.AsSpan().IndexOf("\\u"u8) >= 0 && JsonUnicode.FindLoneSurrogate(document.RootElement) is { } unreadable)
        {
            document.Dispose();
            return new BodyJson(null, bytes, Problems.Invalid("The body is not valid JSON", [new ApiError(unreadable.Path, unreadable.Message)], "Nothing was accepted."));
        }

        return new BodyJson(document, bytes, null);
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
