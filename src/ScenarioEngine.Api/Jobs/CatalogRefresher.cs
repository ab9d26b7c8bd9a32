using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Catalog;
using ScenarioEngine.Api.Settings;

namespace ScenarioEngine.Api.Jobs;

/// <summary>
/// Reloads the catalog from the definitions table every <see cref="EngineHostOptions.CatalogRefreshInterval"/>, so journey versions,
/// messages and JSON segments saved by other processes go live here (segments with <see cref="Runtime.Engine.Catalog.ReplaceSegments"/>,
/// so deleted ones go too). Every process needs its own, so it is a hosted service in both hosts, never a timer trigger (which runs
/// on one instance only).
/// </summary>
public sealed class CatalogRefresher(DefinitionStore definitions, IOptions<EngineHostOptions> options, TimeProvider time, ILogger<CatalogRefresher> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CatalogRefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await definitions.ReloadAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.CatalogReloadFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
