using System.Globalization;
using System.Net;

namespace ScenarioEngine.Channels;

/// <summary>Shared HTTP plumbing for the channel clients: one attempt with a timeout, and reset-time parsing.</summary>
internal static class ChannelHttp
{
    /// <summary>Sends one request and lets <paramref name="interpret"/> classify the response; timeouts and network errors are transient.</summary>
    public static async Task<ChannelAttempt> SendAttemptAsync(
        HttpClient httpClient,
        Func<HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, CancellationToken, Task<ChannelAttempt>> interpret,
        RetryPolicy retryPolicy,
        string providerName,
        CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(retryPolicy.Options.AttemptTimeout, retryPolicy.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = createRequest();
            using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token)
                .ConfigureAwait(false);
            return await interpret(response, linked.Token).ConfigureAwait(false);
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

    /// <summary>The reset time from a <c>Retry-After</c> header (delta seconds or HTTP date), if present.</summary>
    public static DateTimeOffset? RetryAfterHeader(HttpResponseMessage response, DateTimeOffset now)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return now + delta;
        }

        return retryAfter?.Date;
    }

    /// <summary>The reset time from an epoch-seconds header such as SendGrid's <c>X-RateLimit-Reset</c>, if present.</summary>
    public static DateTimeOffset? EpochSecondsHeader(HttpResponseMessage response, string headerName)
    {
        if (response.Headers.TryGetValues(headerName, out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            && seconds > 0)
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return null;
    }

    /// <summary>The first value of a response header, or null.</summary>
    public static string? Header(HttpResponseMessage response, string headerName) =>
        response.Headers.TryGetValues(headerName, out var values) ? values.FirstOrDefault() : null;

    public static bool IsServerError(HttpStatusCode status) => (int)status >= 500 && (int)status <= 599;

    public static Uri Combine(Uri baseAddress, string relativePath)
    {
        var text = baseAddress.AbsoluteUri;
        return new Uri(text.EndsWith('/') ? text + relativePath : text + "/" + relativePath);
    }
}
