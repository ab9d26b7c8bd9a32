using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Channels;

/// <summary>Shared HTTP plumbing for the channel clients: one attempt with a timeout, and reset-time parsing.</summary>
internal static class ChannelHttp
{
    /// <summary>
    /// Runs one provider call under the attempt timeout. A request that provably never left (name resolution, connect, TLS or proxy
    /// failure) is <see cref="ChannelAttempt.Transient"/>. A request that may have reached the provider without an answer (a timeout,
    /// a connection broken once the request was on its way) is transient too where the provider de-duplicates a repeat by our key
    /// (<see cref="RepeatSafety.SameKey"/>), and otherwise completes as <see cref="ChannelResult.Unanswered"/>: retried inside the
    /// call, it could reach the customer twice. Caller cancellation is thrown.
    /// </summary>
    public static async Task<ChannelAttempt> AttemptAsync(
        Func<CancellationToken, Task<ChannelAttempt>> attemptAsync,
        RetryPolicy retryPolicy,
        string providerName,
        RepeatSafety repeatSafety,
        CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(retryPolicy.Options.AttemptTimeout, retryPolicy.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await attemptAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Our attempt timeout or HttpClient.Timeout fired; the client cannot tell whether the request had left, so it may have.
            var within = retryPolicy.Options.AttemptTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            return MayHaveReached($"{providerName} did not answer within {within} s", repeatSafety);
        }
        catch (HttpRequestException ex) when (NeverLeft(ex.HttpRequestError))
        {
            return new ChannelAttempt.Transient($"{providerName} request failed: {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            return MayHaveReached($"{providerName} request failed after it was sent ({ex.HttpRequestError}): {ex.Message}", repeatSafety);
        }
    }

    private static bool NeverLeft(HttpRequestError error) =>
        error is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError
            or HttpRequestError.ProxyTunnelError;

    private static ChannelAttempt MayHaveReached(string reason, RepeatSafety repeatSafety) =>
        repeatSafety == RepeatSafety.SameKey
            ? new ChannelAttempt.Transient(reason)
            : new ChannelAttempt.Completed(new ChannelResult.Unanswered(reason));

    /// <summary>Sends one request built by <paramref name="createRequest"/> and lets <paramref name="interpret"/> classify the response.</summary>
    public static Task<ChannelAttempt> SendAttemptAsync(
        HttpClient httpClient,
        Func<HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, CancellationToken, Task<ChannelAttempt>> interpret,
        RetryPolicy retryPolicy,
        string providerName,
        RepeatSafety repeatSafety,
        CancellationToken cancellationToken) =>
        AttemptAsync(
            async token =>
            {
                using var request = createRequest();
                using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
                return await interpret(response, token).ConfigureAwait(false);
            },
            retryPolicy,
            providerName,
            repeatSafety,
            cancellationToken);

    /// <summary>The reset time from a <c>Retry-After</c> header (delta seconds or HTTP date), if present.</summary>
    public static DateTimeOffset? RetryAfterHeader(HttpResponseHeaders headers, DateTimeOffset now)
    {
        var retryAfter = headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return now + delta;
        }

        return retryAfter?.Date;
    }

    /// <summary>The reset time from an epoch-seconds header such as SendGrid's <c>X-RateLimit-Reset</c>, if present.</summary>
    public static DateTimeOffset? EpochSecondsHeader(HttpResponseHeaders headers, string headerName)
    {
        if (headers.TryGetValues(headerName, out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            && seconds > 0)
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return null;
    }

    /// <summary>The first value of a response header, or null.</summary>
    public static string? Header(HttpResponseHeaders headers, string headerName) =>
        headers.TryGetValues(headerName, out var values) ? values.FirstOrDefault() : null;

    public static bool IsServerError(HttpStatusCode status) => (int)status >= 500 && (int)status <= 599;

    /// <summary>The named client's base address (a loopback server in tests), or the provider's public one.</summary>
    public static Uri BaseAddress(HttpClient httpClient, Uri defaultBaseAddress) => httpClient.BaseAddress ?? defaultBaseAddress;

    public static Uri Combine(Uri baseAddress, string relativePath)
    {
        var text = baseAddress.AbsoluteUri;
        return new Uri(text.EndsWith('/') ? text + relativePath : text + "/" + relativePath);
    }
}
