using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Api.Jobs;

/// <summary>
/// The standalone host's events-queue workers: one loop per events queue, pumping while there is work and, when idle, polling again
/// after 50 ms, then twice as long each time up to <see cref="EngineHostOptions.IdlePollDelay"/>, or at once when this process queues
/// events onto the queue (<see cref="JourneyEngine.EventsQueued"/>: an event posted to an idle host is applied without waiting out the
/// delay; events queued by another process are found by the polling). Several processes run these against
/// one storage account as competing consumers; the Functions app binds the same queue handling to queue triggers instead. The load
/// driver in benchmarks/ runs this class as it is, so its figures include the host's idle polling.
/// </summary>
public sealed class EventQueueWorkers(JourneyEngine engine, IOptions<EngineHostOptions> options, TimeProvider time, ILogger<EventQueueWorkers> logger) : BackgroundService
{
    private static readonly TimeSpan FirstIdleDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxErrorDelay = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, engine.Options.EventQueueCount)
            .Select(index => PumpLoopAsync(engine.Options.EventQueue(index), ct => engine.PumpEventsAsync(index, ct), engine.EventsQueued(index), stoppingToken)));

    private async Task PumpLoopAsync(string queue, Func<CancellationToken, Task<int>> pump, QueueSignal queued, CancellationToken stoppingToken)
    {
        var idle = TimeSpan.Zero;
        var errors = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Taken before the poll: events queued while it runs, which it may not see, end the idle wait after it.
                var next = queued.Next;
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
                await IdleAsync(idle, next, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A failed message stays in the queue and comes back after its visibility timeout; keep the loop alive.
                var delay = Min(TimeSpan.FromMilliseconds(250 * Math.Pow(2, Math.Min(errors++, 10))), MaxErrorDelay);
                Log.EventQueueWorkerFailed(logger, queue, delay, ex);
                try
                {
                    await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Waits out <paramref name="delay"/>, or less when <paramref name="queued"/> completes first.</summary>
    private async Task IdleAsync(TimeSpan delay, Task queued, CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        await Task.WhenAny(queued, Task.Delay(delay, time, wait.Token)).ConfigureAwait(false);

        // Ends the delay's timer when the signal came first.
        await wait.CancelAsync().ConfigureAwait(false);
        stoppingToken.ThrowIfCancellationRequested();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
