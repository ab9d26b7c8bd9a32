using Microsoft.AspNetCore.Mvc;
using ScenarioEngine.Api.Endpoints;

namespace ScenarioEngine.Api.Security;

/// <summary>
/// Checks the X-Api-Key header of endpoints that require a scope: 401 without a known key, 403 with a key lacking the scope. The key's
/// identity (its name and scopes, never the key) is attached to the request for the audit log and the rate limiter.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyRing keys)
{
    /// <summary>The header carrying the key.</summary>
    public const string Header = "X-Api-Key";

    /// <summary>Runs the check.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>() is not { } required)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var presented = context.Request.Headers[Header].ToString();
        var identity = presented.Length == 0 ? null : keys.Resolve(presented);
        if (identity is null)
        {
            context.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
            await WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized",
                presented.Length == 0 ? "Send an API key in the X-Api-Key header." : "The API key in X-Api-Key is not valid.").ConfigureAwait(false);
            return;
        }

        if (!identity.Scopes.Contains(required.Scope))
        {
            var held = string.Join(", ", identity.Scopes.Order().Select(s => s.ToString().ToLowerInvariant()));
            await WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden",
                $"This endpoint needs the {required.Scope.ToString().ToLowerInvariant()} scope; the key '{identity.Name}' holds {held}.").ConfigureAwait(false);
            return;
        }

        identity.AttachTo(context);
        await next(context).ConfigureAwait(false);
    }

    private static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
