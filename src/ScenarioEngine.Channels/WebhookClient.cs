using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace ScenarioEngine.Channels;

/// <summary>
/// Signs and verifies <c>X-ScenarioEngine-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The signature header name.</summary>
    public const string HeaderName = "X-ScenarioEngine-Signature";

    /// <summary>The idempotency key header name; receivers de-duplicate on it.</summary>
    public const string IdempotencyKeyHeaderName = "X-ScenarioEngine-Idempotency-Key";

    /// <summary>The default tolerance for the signed timestamp.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Builds the header value for <paramref name="body"/> signed at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, string body, DateTimeOffset timestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(body);
        var seconds = timestamp.ToUnixTimeSeconds();
        return $"t={seconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Mac(secret, seconds, Encoding.UTF8.GetBytes(body)))}";
    }

    /// <summary>Verifies a header against the raw body, at <paramref name="now"/>, allowing <paramref name="tolerance"/> of clock difference.</summary>
    /// <remarks>Several <c>v1=</c> entries are allowed (a sender rotating secrets); one match suffices.</remarks>
    public static WebhookSignatureStatus Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrWhiteSpace(header))
        {
            return WebhookSignatureStatus.Missing;
        }

        long? seconds = null;
        var candidates = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                return WebhookSignatureStatus.Malformed;
            }

            var key = part[..equals];
            var value = part[(equals + 1)..];
            if (key == "t")
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || seconds is not null)
                {
                    return WebhookSignatureStatus.Malformed;
                }

                seconds = parsed;
            }
            else if (key == "v1")
            {
                if (value.Length != 64 || !value.All(char.IsAsciiHexDigit))
                {
                    return WebhookSignatureStatus.Malformed;
                }

                candidates.Add(Convert.FromHexString(value));
            }
        }

        if (seconds is null || candidates.Count == 0)
        {
            return WebhookSignatureStatus.Malformed;
        }

        var expected = Mac(secret, seconds.Value, body);
        if (!candidates.Any(candidate => CryptographicOperations.FixedTimeEquals(candidate, expected)))
        {
            return WebhookSignatureStatus.Invalid;
        }

        if (seconds.Value > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return WebhookSignatureStatus.Stale;
        }

        return (now - DateTimeOffset.FromUnixTimeSeconds(seconds.Value)).Duration() > tolerance
            ? WebhookSignatureStatus.Stale
            : WebhookSignatureStatus.Valid;
    }

    /// <summary>Verifies a header against a body received as UTF-8 text.</summary>
    public static WebhookSignatureStatus Verify(string secret, string? header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Verify(secret, header, Encoding.UTF8.GetBytes(body), now, tolerance);
    }

    private static byte[] Mac(string secret, long seconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(seconds.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }
}

/// <summary>Settings of a <see cref="WebhookClient"/>.</summary>
public sealed class WebhookClientOptions
{
    /// <summary>Where to POST.</summary>
    public required Uri Url { get; set; }

    /// <summary>The shared secret for the HMAC signature.</summary>
    public required string Secret { get; set; }
}

/// <summary>POSTs rendered JSON to a customer's endpoint, signed with HMAC-SHA256 and carrying an idempotency key.</summary>
public sealed class WebhookClient
{
    private readonly HttpClient _httpClient;
    private readonly WebhookClientOptions _options;
    private readonly RetryPolicy _retryPolicy;

    /// <summary>Creates a client.</summary>
    public WebhookClient(HttpClient httpClient, WebhookClientOptions options, RetryPolicy? retryPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Url);
        ArgumentException.ThrowIfNullOrEmpty(options.Secret);
        if (!options.Url.IsAbsoluteUri || (options.Url.Scheme != Uri.UriSchemeHttps && options.Url.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The webhook URL must be an absolute http(s) URL.", nameof(options));
        }

        _httpClient = httpClient;
        _options = options;
        _retryPolicy = retryPolicy ?? new RetryPolicy();
    }

    /// <summary>POSTs <paramref name="jsonBody"/>; every attempt is signed afresh and carries the same idempotency key.</summary>
    public Task<ChannelResult> SendAsync(string jsonBody, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jsonBody);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var payload = Encoding.UTF8.GetBytes(jsonBody);
        return _retryPolicy.ExecuteAsync(
            (_, token) => ChannelHttp.SendAttemptAsync(_httpClient, () => CreateRequest(jsonBody, payload, idempotencyKey), InterpretAsync, _retryPolicy, "Webhook", token),
            cancellationToken);
    }

    private HttpRequestMessage CreateRequest(string jsonBody, byte[] payload, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _options.Url) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        // Signed at send time, so a retry after a wait is not rejected as stale.
        request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.Sign(_options.Secret, jsonBody, _retryPolicy.TimeProvider.GetUtcNow()));
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdempotencyKeyHeaderName, idempotencyKey);
        return request;
    }

    private async Task<ChannelAttempt> InterpretAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return new ChannelAttempt.Completed(new ChannelResult.Sent(null));
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var excerpt = body.Length > 500 ? body[..500] : body;
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return new ChannelAttempt.RateLimited(
                ChannelHttp.RetryAfterHeader(response, _retryPolicy.TimeProvider.GetUtcNow()), $"Webhook rate limit (HTTP 429): {excerpt}");
        }

        if (ChannelHttp.IsServerError(response.StatusCode))
        {
            return new ChannelAttempt.Transient($"Webhook HTTP {status}: {excerpt}");
        }

        IReadOnlyList<ProviderError> errors = excerpt.Length > 0 ? [new ProviderError(excerpt)] : [];
        return new ChannelAttempt.Completed(new ChannelResult.Failed($"The webhook endpoint refused the request (HTTP {status})", errors, status));
    }
}
