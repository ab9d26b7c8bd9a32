using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Channels;

/// <summary>POSTs rendered JSON to a customer's endpoint, signed with HMAC-SHA256 and carrying an idempotency key.</summary>
public sealed class WebhookClient
{
    /// <summary>The name of the <see cref="HttpClient"/> this client asks <see cref="IHttpClientFactory"/> for.</summary>
    public const string HttpClientName = "Webhook";

    /// <summary>
    /// What a repeat does at the receiver: it is told to de-duplicate by the idempotency key header, so an unanswered attempt is
    /// retried inside the call with the same key.
    /// </summary>
    public static RepeatSafety RepeatSafety => RepeatSafety.SameKey;

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly Uri _url;
    private readonly string _secret;
    private readonly RetryPolicy _retryPolicy;

    /// <summary>Creates a client.</summary>
    /// <param name="httpClientFactory">Gives the <see cref="HttpClientName"/> client.</param>
    /// <param name="options">The URL and the signing secret.</param>
    /// <param name="retryPolicy">Retry rules, clock and delays; defaults when null.</param>
    /// <exception cref="ArgumentException">The URL is not an absolute http(s) URL or the secret is empty.</exception>
    public WebhookClient(IHttpClientFactory httpClientFactory, WebhookOptions options, RetryPolicy? retryPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Secret);
        if (!WebhookOptions.IsHttpUrl(options.Url, out var url))
        {
            throw new ArgumentException("The webhook URL must be an absolute http(s) URL.", nameof(options));
        }

        _httpClientFactory = httpClientFactory;
        _url = url;
        _secret = options.Secret;
        _retryPolicy = retryPolicy ?? new RetryPolicy();
    }

    /// <summary>POSTs <paramref name="jsonBody"/>; every attempt is signed afresh and carries the same idempotency key.</summary>
    public Task<ChannelResult> SendAsync(string jsonBody, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jsonBody);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var payload = Encoding.UTF8.GetBytes(jsonBody);
        var httpClient = _httpClientFactory.CreateClient(HttpClientName);
        return _retryPolicy.ExecuteAsync(
            (_, token) => ChannelHttp.SendAttemptAsync(httpClient, () => CreateRequest(jsonBody, payload, idempotencyKey), InterpretAsync, _retryPolicy, "Webhook", RepeatSafety, token),
            cancellationToken);
    }

    private HttpRequestMessage CreateRequest(string jsonBody, byte[] payload, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        // Signed at send time, so a retry after a wait is not rejected as stale.
        request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.Sign(_secret, jsonBody, _retryPolicy.TimeProvider.GetUtcNow()));
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
                ChannelHttp.RetryAfterHeader(response.Headers, _retryPolicy.TimeProvider.GetUtcNow()), $"Webhook rate limit (HTTP 429): {excerpt}");
        }

        if (ChannelHttp.IsServerError(response.StatusCode))
        {
            return new ChannelAttempt.Transient($"Webhook HTTP {status}: {excerpt}");
        }

        IReadOnlyList<ProviderError> errors = excerpt.Length > 0 ? [new ProviderError(excerpt)] : [];
        return new ChannelAttempt.Completed(new ChannelResult.Failed($"The webhook endpoint refused the request (HTTP {status})", errors, status));
    }
}
