using ScenarioEngine.Api.Jobs;

namespace ScenarioEngine.Host.Hosting;

/// <summary>
/// Runs each of the <see cref="ScheduledJobs"/> in the standalone process, every interval the settings give it (first at start). The
/// events queues have their own workers (<see cref="EventQueueWorkers"/>); the Functions app binds the same jobs to timer triggers.
/// </summary>
public sealed class ScheduledJobWorkers(ScheduledJobs jobs, TimeProvider time, ILogger<ScheduledJobWorkers> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(jobs.Intervals.Select(job => PeriodicAsync(job.Key, job.Value, ct => jobs.RunAsync(job.Key, job.Value, ct), stoppingToken)));

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

            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }
    }
}
