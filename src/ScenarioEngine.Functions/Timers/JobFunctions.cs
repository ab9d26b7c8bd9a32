using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ScenarioEngine.Functions.Journeys;
using ScenarioEngine.Api.Jobs;

namespace ScenarioEngine.Functions.Timers;

/// <summary>
/// One timer trigger per <see cref="ScheduledJobs"/> job, named as the job. Timer triggers run on one instance at a time (the
/// host's schedule monitor), so each job runs once per tick however far the app has scaled. Schedules are NCRONTAB in UTC. Each
/// binds the Durable Task client and hands it to <see cref="FunctionsJourneyInstances"/> before the job runs.
/// </summary>
public sealed class JobFunctions(ScheduledJobs jobs, FunctionsJourneyInstances instances)
{
    /// <summary>The journeys' counts for the canvas: every minute.</summary>
    public const string CountsSchedule = "0 */1 * * * *";

    /// <summary>Date and schedule triggers: every five minutes (the window looks back two periods).</summary>
    public const string ScheduledTriggersSchedule = "0 */5 * * * *";

    /// <summary>The daily analytics: 18:00 UTC, which is 03:00 in Asia/Tokyo, the default time zone.</summary>
    public const string AnalyticsSchedule = "0 0 18 * * *";

    /// <summary>How often each job's timer fires, for the jobs whose work depends on it.</summary>
    public static IReadOnlyDictionary<string, TimeSpan> Periods { get; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        [ScheduledJobs.Counts] = TimeSpan.FromMinutes(1),
        [ScheduledJobs.ScheduledTriggers] = TimeSpan.FromMinutes(5),
        [ScheduledJobs.Analytics] = TimeSpan.FromDays(1),
    };

    /// <summary>Aggregates the journeys' counts.</summary>
    [Function(ScheduledJobs.Counts)]
    public Task Counts([TimerTrigger(CountsSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        RunAsync(client, ScheduledJobs.Counts, Periods[ScheduledJobs.Counts], cancellationToken);

    /// <summary>Fires date and schedule triggers.</summary>
    [Function(ScheduledJobs.ScheduledTriggers)]
    public Task ScheduledTriggers([TimerTrigger(ScheduledTriggersSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        RunAsync(client, ScheduledJobs.ScheduledTriggers, Periods[ScheduledJobs.ScheduledTriggers], cancellationToken);

    /// <summary>Recomputes the analytics.</summary>
    [Function(ScheduledJobs.Analytics)]
    public Task Analytics([TimerTrigger(AnalyticsSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        RunAsync(client, ScheduledJobs.Analytics, Periods[ScheduledJobs.Analytics], cancellationToken);

    private Task RunAsync(DurableTaskClient client, string job, TimeSpan period, CancellationToken cancellationToken)
    {
        instances.Use(client);
        return jobs.RunAsync(job, period, cancellationToken);
    }
}
