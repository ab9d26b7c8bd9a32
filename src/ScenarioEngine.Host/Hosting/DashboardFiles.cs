using Microsoft.Extensions.FileProviders;

namespace ScenarioEngine.Host.Hosting;

/// <summary>
/// Serves the built dashboard (npm run build: dashboard/dist, copied beside the host) at "/": its static files, and index.html
/// for every other path outside /api so the single-page app's own paths survive a reload. Every such answer carries a
/// Content-Security-Policy that allows script from this origin only (no inline script, no eval) in place of the API's policy
/// that allows nothing; the other security headers are the API middleware's (<c>UseSecurityHeaders</c>).
/// </summary>
public static class DashboardFiles
{
    /// <summary>The policy of every dashboard answer. Styles may be inline: the canvas positions its nodes with style attributes.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The folder of the built dashboard beside the host's assembly (the host's project copies dashboard/dist there).</summary>
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "dashboard");

    /// <summary>Serves the dashboard when its folder holds an index.html; logs where it looked either way.</summary>
    public static WebApplication UseDashboard(this WebApplication app)
    {
        var root = Root;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DashboardFiles));
        var index = Path.Combine(root, "index.html");
        if (!File.Exists(index))
        {
            Log.DashboardMissing(logger, root);
            return app;
        }

        Log.DashboardServed(logger, root);
        var files = new PhysicalFileProvider(root);
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                // nosniff, DENY and no-referrer come from the API's security headers middleware, which keeps this policy.
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            }

            await next(context).ConfigureAwait(false);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = c =>
            {
                // Hashed asset names never change; index.html must be fetched again to see a new build.
                c.Context.Response.Headers.CacheControl = c.Context.Request.Path.StartsWithSegments("/assets", StringComparison.Ordinal)
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
            },
        });
        return app;
    }

    /// <summary>
    /// Answers index.html for GET requests outside /api that matched no endpoint and no file (the SPA's own paths). A middleware
    /// after routing rather than a fallback endpoint, so the API's own answers (404, 405, 415) are left as they are.
    /// </summary>
    public static WebApplication UseDashboardFallback(this WebApplication app)
    {
        var index = Path.Combine(Root, "index.html");
        if (!File.Exists(index))
        {
            return app;
        }

        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint() is null && HttpMethods.IsGet(context.Request.Method)
                && !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                context.Response.Headers.CacheControl = "no-cache";
                await context.Response.SendFileAsync(index).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        return app;
    }
}
