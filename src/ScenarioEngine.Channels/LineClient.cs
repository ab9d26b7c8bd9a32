using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Channels;

/// <summary>Pushes messages to LINE users through the Messaging API (<c>POST /v2/bot/message/push</c>).</summary>
public sealed class LineClient
{
    /// <summary>The most message objects one push may carry.</summary>
    public const int MaxMessagesPerPush = 5;

    /// <summary>The header LINE uses for idempotent retries.</summary>
    public const string RetryKeyHeader = "X-Line-Retry-Key";

    /// <summary>The name of the <see cref="HttpClient"/> this client asks <see cref="IHttpClientFactory"/> for.</summary>
    public const string HttpClientName = "Line";

    /// <summary>The Messaging API address used when the named client has no base address.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://api.line.me/");

    /// <summary>
    /// What a repeat does at LINE: it accepts a push once per <see cref="RetryKeyHeader"/>, so an unanswered attempt is retried
    /// inside the call with the same key.
    /// </summary>
    public static RepeatSafety RepeatSafety => RepeatSafety.SameKey;

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly LineOptions _options;
    private readonly RetryPolicy _retryPolicy;

    /// <summary>Creates a client.</summary>
    /// <param name="httpClientFactory">Gives the <see cref="HttpClientName"/> client; its base address, if set, replaces <see cref="DefaultBaseAddress"/>.</param>
    /// <param name="options">The channel access token.</param>
    /// <param name="retryPolicy">Retry rules, clock and delays; defaults when null.</param>
    public LineClient(IHttpClientFactory httpClientFactory, LineOptions options, RetryPolicy? retryPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ChannelAccessToken);
        _httpClientFactory = httpClientFactory;
        _options = options;
        _retryPolicy = retryPolicy ?? new RetryPolicy();
    }

    /// <summary>Pushes one text message to a LINE user.</summary>
    public Task<ChannelResult> PushTextAsync(string userId, string text, LineRetryKey retryKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var messages = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text });
        return PushAsync(userId, messages, retryKey, cancellationToken);
    }

    /// <summary>Pushes message objects given as a JSON array (1 to 5 LINE message objects, e.g. rendered from a template).</summary>
    /// <exception cref="ArgumentException">The JSON is not an array of 1 to 5 objects.</exception>
    public Task<ChannelResult> PushMessagesAsync(string userId, string messagesJson, LineRetryKey retryKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messagesJson);
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(messagesJson);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException("The LINE messages are not valid JSON.", nameof(messagesJson), ex);
        }

        if (parsed is not JsonArray messages || messages.Any(m => m is not JsonObject))
        {
            throw new ArgumentException("The LINE messages must be a JSON array of message objects.", nameof(messagesJson));
        }

        return PushAsync(userId, messages, retryKey, cancellationToken);
    }

    private Task<ChannelResult> PushAsync(string userId, JsonArray messages, LineRetryKey retryKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        if (messages.Count is < 1 or > MaxMessagesPerPush)
        {
            throw new ArgumentException($"A push carries 1 to {MaxMessagesPerPush} messages, not {messages.Count}.", nameof(messages));
        }

        if (retryKey.Value == Guid.Empty)
        {
            throw new ArgumentException("A retry key is required so a retried push is never delivered twice.", nameof(retryKey));
        }

        var payload = Encoding.UTF8.GetBytes(new JsonObject { ["to"] = userId, ["messages"] = messages }.ToJsonString());
        var httpClient = _httpClientFactory.CreateClient(HttpClientName);
        var pushUri = ChannelHttp.Combine(ChannelHttp.BaseAddress(httpClient, DefaultBaseAddress), "v2/bot/message/push");
        return _retryPolicy.ExecuteAsync(
            (_, token) => ChannelHttp.SendAttemptAsync(httpClient, () => CreateRequest(pushUri, payload, retryKey), InterpretAsync, _retryPolicy, "LINE", RepeatSafety, token),
            cancellationToken);
    }

    private HttpRequestMessage CreateRequest(Uri pushUri, byte[] payload, LineRetryKey retryKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, pushUri) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ChannelAccessToken);
        request.Headers.TryAddWithoutValidation(RetryKeyHeader, retryKey.ToString());
        return request;
    }

    private async Task<ChannelAttempt> InterpretAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return new ChannelAttempt.Completed(new ChannelResult.Sent(SentMessageIds(body) ?? ChannelHttp.Header(response.Headers, "x-line-request-id")));
        }

        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            // 409 on a request with a retry key: an earlier attempt with this key was accepted. Not a failure.
            return new ChannelAttempt.Completed(new ChannelResult.Sent(ChannelHttp.Header(response.Headers, "x-line-accepted-request-id"), AlreadyAccepted: true));
        }

        var (message, errors) = ParseError(body);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var reset = ChannelHttp.RetryAfterHeader(response.Headers, _retryPolicy.TimeProvider.GetUtcNow());
            return new ChannelAttempt.RateLimited(reset, $"LINE rate limit (HTTP 429): {message}");
        }

        if (ChannelHttp.IsServerError(response.StatusCode))
        {
            return new ChannelAttempt.Transient($"LINE HTTP {status}: {message}");
        }

        return new ChannelAttempt.Completed(new ChannelResult.Failed($"LINE rejected the push (HTTP {status}): {message}", errors, status));
    }

    private static string? SentMessageIds(string body)
    {
        try
        {
            var root = JsonNode.Parse(body);
            if (root?["sentMessages"] is JsonArray sent)
            {
                var ids = sent.Select(m => m?["id"]?.GetValue<string>()).Where(id => id is not null).ToList();
                return ids.Count > 0 ? string.Join(',', ids) : null;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // A success without a readable body is still a success.
        }

        return null;
    }

    /// <summary>Reads LINE's <c>{"message": ..., "details": [{"message", "property"}]}</c> error body.</summary>
    private static (string Message, IReadOnlyList<ProviderError> Errors) ParseError(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject root)
            {
                var message = root["message"]?.GetValue<string>() ?? body;
                var errors = new List<ProviderError> { new(message) };
                if (root["details"] is JsonArray details)
                {
                    errors.AddRange(details.OfType<JsonObject>().Select(d => new ProviderError(
                        d["message"]?.GetValue<string>() ?? d.ToJsonString(), d["property"]?.GetValue<string>())));
                }

                return (message, errors);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Not LINE's JSON error shape: keep the raw text.
        }

        var text = body.Length > 500 ? body[..500] : body;
        return (text, text.Length > 0 ? [new ProviderError(text)] : []);
    }
}
