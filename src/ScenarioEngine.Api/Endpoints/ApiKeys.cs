using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Settings;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>The API key scopes.</summary>
public enum ApiScope
{
    /// <summary>Shops posting events and identifying customers.</summary>
    Events,

    /// <summary>Marketers and operators: journeys, messages, customers; includes <see cref="Events"/>.</summary>
    Admin,
}

/// <summary>Endpoint metadata: the scope an endpoint needs.</summary>
public sealed record RequiredScope(ApiScope Scope);

/// <summary>Marks endpoints with the scope they need.</summary>
public static class ApiKeyEndpointExtensions
{
    /// <summary>Requires an API key of <paramref name="scope"/> (header X-Api-Key).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, ApiScope scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredScope(scope));
}

/// <summary>
/// Checks the X-Api-Key header of endpoints that require a scope: 401 without a known key, 403 with a key of another scope.
/// Keys are compared as SHA-256 digests in constant time and never logged.
/// </summary>
public sealed class ApiKeyMiddleware
{
    /// <summary>The header carrying the key.</summary>
    public const string Header = "X-Api-Key";

    private readonly RequestDelegate _next;
    private readonly byte[][] _events;
    private readonly byte[][] _admin;

    /// <summary>Created once by the pipeline.</summary>
    public ApiKeyMiddleware(RequestDelegate next, IOptions<ApiKeyOptions> options)
    {
        _next = next;
        _events = ApiKeyOptions.Split(options.Value.Events).Select(Digest).ToArray();
        _admin = ApiKeyOptions.Split(options.Value.Admin).Select(Digest).ToArray();
    }

    /// <summary>Runs the check.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>() is not { } required)
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        var presented = context.Request.Headers[Header].ToString();
        var scope = presented.Length == 0 ? null : ScopeOf(presented);
        if (scope is null)
        {
            context.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
            await WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized",
                presented.Length == 0 ? "Send an API key in the X-Api-Key header." : "The API key in X-Api-Key is not valid.").ConfigureAwait(false);
            return;
        }

        if (required.Scope == ApiScope.Admin && scope != ApiScope.Admin)
        {
            await WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden",
                "This endpoint needs an admin API key; the key sent has the events scope.").ConfigureAwait(false);
            return;
        }

        await _next(context).ConfigureAwait(false);
    }

    /// <summary>The scope of a key, or null when it is unknown. Every configured key is compared, so timing says nothing.</summary>
    public ApiScope? ScopeOf(string key)
    {
        var digest = Digest(key);
        var admin = false;
        var events = false;
        foreach (var k in _admin)
        {
            admin |= CryptographicOperations.FixedTimeEquals(k, digest);
        }

        foreach (var k in _events)
        {
            events |= CryptographicOperations.FixedTimeEquals(k, digest);
        }

        return admin ? ApiScope.Admin : events ? ApiScope.Events : null;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

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
