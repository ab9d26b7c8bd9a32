using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Jobs;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Host.Hosting;

/// <summary>
/// The standalone workers: one loop per events queue pumping while there is work and backing off
/// to <see cref="EngineHostOptions.IdlePollDelay"/> when idle; each of the <see cref="ScheduledJobs"/> every interval the settings give it.
/// Several processes run these against one storage account as competing consumers. The Functions app binds the same queue
/// handling and jobs to queue and timer triggers instead.
/// </summary>
public sealed class EngineWorkers(JourneyEngine engine, ScheduledJobs jobs, IOptions<EngineHostOptions> options, TimeProvider time, ILogger<EngineWorkers> logger) : BackgroundService
{
    private static readonly TimeSpan FirstIdleDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxErrorDelay = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = new List<Task>();
        for (var i = 0; i < engine.Options.EventQueueCount; i++)
        {
            var index = i;
            loops.Add(PumpLoopAsync(engine.Options.EventQueue(index), ct => engine.PumpEventsAsync(index, ct), stoppingToken));
        }

        foreach (var (job, interval) in jobs.Intervals)
        {
            loops.Add(PeriodicAsync(job, interval, ct => jobs.RunAsync(job, interval, ct), stoppingToken));
        }

        return Task.WhenAll(loops);
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
