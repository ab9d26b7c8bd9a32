using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace ScenarioEngine.Channels;

/// <summary>Shared HTTP plumbing for the channel clients: one attempt with a timeout, and reset-time parsing.</summary>
internal static class ChannelHttp
{
    /// <summary>
    /// Runs one provider call under the attempt timeout; timeouts and network errors become
    /// <see cref="ChannelAttempt.Transient"/>, caller cancellation is thrown.
    /// </summary>
    public static async Task<ChannelAttempt> AttemptAsync(
        Func<CancellationToken, Task<ChannelAttempt>> attemptAsync,
        RetryPolicy retryPolicy,
        string providerName,
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
            // Either our attempt timeout or HttpClient.Timeout fired: the outcome is unknown, so it is transient.
            return new ChannelAttempt.Transient($"{providerName} request timed out");
        }
        catch (HttpRequestException ex)
        {
            return new ChannelAttempt.Transient($"{providerName} request failed: {ex.Message}");
        }
    }

    /// <summary>Sends one request built by <paramref name="createRequest"/> and lets <paramref name="interpret"/> classify the response.</summary>
    public static Task<ChannelAttempt> SendAttemptAsync(
        HttpClient httpClient,
        Func<HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, CancellationToken, Task<ChannelAttempt>> interpret,
        RetryPolicy retryPolicy,
        string providerName,
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
