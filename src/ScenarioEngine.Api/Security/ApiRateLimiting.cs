using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using ScenarioEngine.Api.Endpoints;
using ScenarioEngine.Api.Settings;

namespace ScenarioEngine.Api.Security;

/// <summary>
/// Rate limits per API key (by its name; by client IP address on the endpoints that need no key), with the limit of the called
/// endpoint's scope from <see cref="RateLimitOptions"/>. The limit is part of the partition, so a reloaded limit takes effect at once.
/// Over the limit: 429 with Retry-After and a problem-details body.
/// </summary>
public static class ApiRateLimiting
{
    /// <summary>Registers the global limiter.</summary>
    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, Partition>(context =>
            {
                var partition = Partition.Of(context);
                return partition.Limit == 0 ? RateLimitPartition.GetNoLimiter(partition) : RateLimitPartition.GetFixedWindowLimiter(partition, key => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = key.Limit,
                    Window = key.Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = RejectAsync;
        });

    private static ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var partition = Partition.Of(context);
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : partition.Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var who = partition.Scope == "anonymous" ? "this client address" : $"the key '{partition.Who}'";
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"{who} made more than {partition.Limit} {partition.Scope} requests in {partition.Window}; retry after {seconds} s (RateLimits:{Setting(partition.Scope)}).",
            },
        });
    }

    private static string Setting(string scope) => char.ToUpperInvariant(scope[0]) + scope[1..];

    /// <summary>A limiter partition: who (key name or client address), the scope called, and the limit and window in force.</summary>
    private readonly record struct Partition(string Who, string Scope, int Limit, TimeSpan Window)
    {
        public static Partition Of(HttpContext context)
        {
            var limits = context.RequestServices.GetRequiredService<LiveOptions<RateLimitOptions>>().Current;
            var identity = ApiKeyIdentity.Of(context);
            var scope = context.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()?.Scope;
            if (identity is null || scope is null)
            {
                return new Partition("ip:" + context.Connection.RemoteIpAddress, "anonymous", limits.Anonymous, limits.Window);
            }

            var (name, limit) = scope.Value switch
            {
                ApiScope.Events => ("events", limits.Events),
                ApiScope.Read => ("read", limits.Read),
                ApiScope.Write => ("write", limits.Write),
                _ => ("publish", limits.Publish),
            };
            return new Partition(identity.Name, name, limit, limits.Window);
        }
    }
}
