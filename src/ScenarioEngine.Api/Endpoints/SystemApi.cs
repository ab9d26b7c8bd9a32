using Microsoft.AspNetCore.Http.HttpResults;
using ScenarioEngine.Api.Audit;
using ScenarioEngine.Api.Catalog;
using ScenarioEngine.Api;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>GET /api/health.</summary>
/// <param name="Status">"ok", or "degraded" while a channel's circuit is open or half-open (its sends are held).</param>
/// <param name="Host">standalone or functions.</param>
/// <param name="Storage">The storage kind.</param>
/// <param name="Workers">Whether this process runs the workers.</param>
/// <param name="CatalogLoadedAt">When the catalog was last loaded.</param>
/// <param name="LiveJourneys">Published journeys.</param>
/// <param name="Channels">Each medium's circuit and send rate (shared by every host).</param>
public sealed record HealthView(string Status, string Host, string Storage, bool Workers, DateTimeOffset? CatalogLoadedAt, int LiveJourneys,
    IReadOnlyList<ChannelHealth> Channels);

/// <summary>GET /api/system/metrics: the ingest's counters in this process and the approximate events queue lengths.</summary>
public sealed record MetricsView(EngineMetrics Engine, IReadOnlyDictionary<string, int> Queues);

/// <summary>GET /api/settings: what a client needs to show the engine's data as the shop sees it.</summary>
/// <param name="TimeZone">The shop's IANA zone (Engine:DefaultTimeZone): dates and times are shown in it.</param>
public sealed record ClientSettingsView(string TimeZone);

/// <summary>Health and operations endpoints.</summary>
public static class SystemApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapSystemEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", Health).WithName("GetHealth").AllowAnonymousKey().WithTags("System").WithSummary("Liveness (no key needed).");
        app.MapGet("/api/settings", Settings).WithName("GetSettings").RequireScope(ApiScope.Read).WithTags("System")
            .WithSummary("The shop's time zone (Engine:DefaultTimeZone), for clients showing dates; also checks a key with the read scope.");
        app.MapGet("/api/system/metrics", MetricsAsync).WithName("GetMetrics").RequireScope(ApiScope.Read).WithTags("System").WithSummary("Engine counters and queue lengths.");
        app.MapPost("/api/system/catalog/reload", ReloadAsync).WithName("ReloadCatalog").RequireScope(ApiScope.Publish).Audited(AuditKinds.CatalogReloaded).WithTags("System")
            .WithSummary("Reload journeys and messages now (each process also does it periodically).");
        return app;
    }

    /// <summary>The settings a client shows data with.</summary>
    public static Ok<ClientSettingsView> Settings(JourneyEngine engine) => TypedResults.Ok(new ClientSettingsView(engine.Options.Machine.DefaultTimeZone.Id));

    /// <summary>Liveness, and the channels' circuits: "degraded" while one is not closed.</summary>
    public static async Task<Ok<HealthView>> Health(JourneyEngine engine, DefinitionStore definitions, HostMode mode, IChannelHealth channels,
        CancellationToken cancellationToken)
    {
        var health = await channels.ReadAsync(cancellationToken).ConfigureAwait(false);
        var status = health.Any(c => c.State != CircuitState.Closed) ? "degraded" : "ok";
        return TypedResults.Ok(new HealthView(status, mode.Host, mode.Storage, mode.Workers, definitions.LoadedAt, engine.Catalog.Live.Count, health));
    }

    /// <summary>Counters and queue lengths.</summary>
    public static async Task<Ok<MetricsView>> MetricsAsync(JourneyEngine engine, IQueueFactory queues, CancellationToken cancellationToken)
    {
        var lengths = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in engine.AllQueueNames())
        {
            lengths[name] = await queues.Get(name).CountAsync(cancellationToken).ConfigureAwait(false);
            lengths[name + "-poison"] = await queues.Get(name + "-poison").CountAsync(cancellationToken).ConfigureAwait(false);
        }

        return TypedResults.Ok(new MetricsView(engine.Metrics, lengths));
    }

    /// <summary>Reloads the catalog.</summary>
    public static async Task<Ok<HealthView>> ReloadAsync(JourneyEngine engine, DefinitionStore definitions, HostMode mode, IChannelHealth channels,
        CancellationToken cancellationToken)
    {
        await definitions.ReloadAsync(cancellationToken).ConfigureAwait(false);
        return await Health(engine, definitions, mode, channels, cancellationToken).ConfigureAwait(false);
    }
}
