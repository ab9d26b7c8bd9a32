using ScenarioEngine.Api.Security;

namespace ScenarioEngine.Api;

/// <summary>Registers <see cref="SecurityHeadersMiddleware"/>.</summary>
public static class SecurityHeadersExtensions
{
    /// <summary>
    /// Adds the security headers to every response. Call first, before the exception handler, so error answers carry them too.
    /// A component that serves pages sets its own Content-Security-Policy on the response; this middleware leaves any header
    /// already set alone.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.UseMiddleware<SecurityHeadersMiddleware>();
}
