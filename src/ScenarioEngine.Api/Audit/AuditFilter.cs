using Microsoft.AspNetCore.Http.HttpResults;
using ScenarioEngine.Api.Security;

namespace ScenarioEngine.Api.Audit;

/// <summary>
/// Writes the audit entry of an <see cref="AuditedChange"/> endpoint once its handler succeeded (a 2xx result), before the response is
/// written: when the entry cannot be stored the caller gets the error rather than an unrecorded success.
/// </summary>
public sealed class AuditFilter(AuditLog log, TimeProvider time) : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var result = await next(context).ConfigureAwait(false);
        var http = context.HttpContext;
        if (http.GetEndpoint()?.Metadata.GetMetadata<AuditedChange>() is not { } change || !Succeeded(result, out var version))
        {
            return result;
        }

        var key = ApiKeyIdentity.Of(http)?.Name
            ?? throw new InvalidOperationException($"The audited endpoint {http.GetEndpoint()?.DisplayName} ran without an API key identity.");
        var target = change.TargetRouteValue is null ? null : http.Request.RouteValues[change.TargetRouteValue]?.ToString();
        await log.WriteAsync(new AuditEntry(time.GetUtcNow(), key, change.Kind, target, version), http.RequestAborted).ConfigureAwait(false);
        return result;
    }

    private static bool Succeeded(object? result, out int? version)
    {
        version = null;
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        if (result is IValueHttpResult { Value: IAuditedVersion versioned })
        {
            version = versioned.Version;
        }

        return result is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 } || (result is not IResult && result is not null);
    }
}
