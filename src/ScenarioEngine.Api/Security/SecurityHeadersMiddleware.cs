using Microsoft.Net.Http.Headers;

namespace ScenarioEngine.Api.Security;

/// <summary>
/// Adds the security headers to every response, errors included: <c>X-Content-Type-Options: nosniff</c>,
/// <c>Referrer-Policy: no-referrer</c>, <c>X-Frame-Options: DENY</c> and a Content-Security-Policy that allows nothing (the API
/// answers JSON and CSV, never a page). The headers are added as the response starts and only where the response has none
/// yet, so a later component that serves pages (the dashboard's static files) sets its own Content-Security-Policy and keeps it.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>The policy of API answers: nothing may load, nothing may frame them.</summary>
    public const string ApiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>Every header this middleware adds, with its value.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Headers =
    [
        new(HeaderNames.XContentTypeOptions, "nosniff"),
        new("Referrer-Policy", "no-referrer"),
        new(HeaderNames.XFrameOptions, "DENY"),
        new(HeaderNames.ContentSecurityPolicy, ApiContentSecurityPolicy),
    ];

    /// <summary>Registers the headers, then runs the rest of the pipeline.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            foreach (var (name, value) in Headers)
            {
                headers.TryAdd(name, value);
            }

            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }
}
