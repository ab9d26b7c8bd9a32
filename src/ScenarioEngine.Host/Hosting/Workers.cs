using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Catalog;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Host.Hosting;

/// <summary>
/// The standalone workers: one loop per queue (events queues, timers, dispatch) pumping while there is work and backing off
/// to <see cref="EngineHostOptions.IdlePollDelay"/> when idle; the sweeper every <see cref="EngineHostOptions.SweepInterval"/>;
/// date and schedule triggers every <see cref="EngineHostOptions.ScheduledTriggersInterval"/>. Several processes run these
/// against one storage account as competing consumers.
/// </summary>
public sealed class EngineWorkers(JourneyEngine engine, IOptions<EngineHostOptions> options, IOptions<PolicySettings> policy, TimeProvider time, ILogger<EngineWorkers> logger) : BackgroundService
{
    private static readonly TimeSpan FirstIdleDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxErrorDelay = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var loops = new List<Task>();
        for (var i = 0; i < engine.Options.EventQueueCount; i++)
        {
            var index = i;
            loops.Add(PumpLoopAsync(engine.Options.EventQueue(index), ct => engine.PumpEventsAsync(index, ct), stoppingToken));
        }

        loops.Add(PumpLoopAsync(engine.Options.TimerQueue, engine.PumpTimersAsync, stoppingToken));
        loops.Add(PumpLoopAsync(engine.Options.DispatchQueue, engine.PumpDispatchAsync, stoppingToken));
        loops.Add(PeriodicAsync("sweeper", o.SweepInterval, async ct =>
        {
            var n = await engine.SweepAsync(ct).ConfigureAwait(false);
            if (n > 0)
            {
                Log.Swept(logger, n);
            }
        }, stoppingToken));
        loops.Add(PeriodicAsync("scheduled-triggers", o.ScheduledTriggersInterval, async ct =>
        {
            // The window overlaps the previous run: triggers carry deterministic event ids, so nobody enters twice.
            var now = time.GetUtcNow();
            var n = await engine.FireScheduledTriggersAsync(now - 2 * o.ScheduledTriggersInterval, now, ct).ConfigureAwait(false);
            if (n > 0)
            {
                Log.ScheduledTriggersFired(logger, n);
            }
        }, stoppingToken));
        loops.Add(PeriodicAsync("analytics", policy.Value.AnalyticsInterval, async ct =>
        {
            // Daily: recency ages, so RFM segments and P(alive) change for everyone; changes arrive as ordinary events.
            var run = await engine.RecomputeAnalyticsAsync(time.GetUtcNow(), cancellationToken: ct).ConfigureAwait(false);
            Log.AnalyticsRecomputed(logger, run.Customers, run.Updated, run.SegmentChanges, run.Refreshed);
        }, stoppingToken));
        return Task.WhenAll(loops);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // Dispatches handed over in this process but not handled yet go to the dispatch queue for another process (or the next start).
        try
        {
            var n = await engine.FlushLocalDispatchAsync(cancellationToken).ConfigureAwait(false);
            if (n > 0)
            {
                Log.LocalDispatchFlushed(logger, n);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The outbox rows are committed: the sweeper finds them.
            Log.WorkerFailed(logger, "dispatch flush", TimeSpan.Zero, ex);
        }
    }

    private async Task PumpLoopAsync(string name, Func<CancellationToken, Task<int>> pump, CancellationToken stoppingToken)
    {
        var idle = TimeSpan.Zero;
        var errors = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var handled = await pump(stoppingToken).ConfigureAwait(false);
                errors = 0;
                if (handled > 0)
                {
                    idle = TimeSpan.Zero;

                    // On the in-memory store every call completes synchronously: yield so the loop never starves HTTP requests.
                    await Task.Yield();
                    continue;
                }

                idle = idle == TimeSpan.Zero ? FirstIdleDelay : Min(idle * 2, options.Value.IdlePollDelay);
                await Task.Delay(idle, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A failed message stays in the queue and comes back after its visibility timeout; keep the loop alive.
                var delay = Min(TimeSpan.FromMilliseconds(250 * Math.Pow(2, Math.Min(errors++, 10))), MaxErrorDelay);
                Log.WorkerFailed(logger, name, delay, ex);
                await DelayQuietlyAsync(delay, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task PeriodicAsync(string name, TimeSpan interval, Func<CancellationToken, Task> run, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await run(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.WorkerFailed(logger, name, interval, ex);
            }

            await DelayQuietlyAsync(interval, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task DelayQuietlyAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>
/// Reloads the catalog from the definitions table periodically, so journey versions, messages and JSON segments saved by other
/// processes go live here (segments with <see cref="Runtime.Engine.Catalog.ReplaceSegments"/>, so deleted ones go too).
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
