using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Api.Jobs;

/// <summary>
/// The engine's scheduled jobs, written once: the standalone host runs them as a hosted service every configured interval, the
/// Functions app from one timer trigger each. <paramref name="engine"/> does the work; this class names the jobs, sizes their
/// windows and logs what they did.
/// </summary>
public sealed class ScheduledJobs(JourneyEngine engine, IOptions<EngineHostOptions> hostOptions, IOptions<PolicySettings> policy, TimeProvider time, ILogger<ScheduledJobs> logger)
{
    /// <summary>Aggregates every journey's counts from the instance rows into one row per journey (what the canvas reads).</summary>
    public const string Counts = "Counts";

    /// <summary>Fires date and schedule triggers that came due.</summary>
    public const string ScheduledTriggers = "ScheduledTriggers";

    /// <summary>Recomputes RFM, P(alive), lead-score decay and JSON segment membership for every customer.</summary>
    public const string Analytics = "Analytics";

    /// <summary>Every job, by name.</summary>
    public static IReadOnlyList<string> Names { get; } = [Counts, ScheduledTriggers, Analytics];

    /// <summary>How often the standalone host runs each job (from the Engine settings).</summary>
    public IReadOnlyDictionary<string, TimeSpan> Intervals => new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        [Counts] = hostOptions.Value.CountsInterval,
        [ScheduledTriggers] = hostOptions.Value.ScheduledTriggersInterval,
        [Analytics] = policy.Value.AnalyticsInterval,
    };

    /// <summary>Runs one job; <paramref name="period"/> is how often its scheduler calls it (the scheduled-triggers window covers two).</summary>
    /// <exception cref="ArgumentException">No job has this name.</exception>
    public Task RunAsync(string job, TimeSpan period, CancellationToken cancellationToken = default) => job switch
    {
        Counts => RefreshCountsAsync(cancellationToken),
        ScheduledTriggers => FireScheduledTriggersAsync(period, cancellationToken),
        Analytics => RecomputeAnalyticsAsync(cancellationToken),
        _ => throw new ArgumentException($"No scheduled job is named '{job}'; the jobs are {string.Join(", ", Names)}.", nameof(job)),
    };

    /// <summary>The counts job; returns how many instance rows it read.</summary>
    public async Task<int> RefreshCountsAsync(CancellationToken cancellationToken = default)
    {
        var n = await engine.RefreshCountsAsync(cancellationToken).ConfigureAwait(false);
        Log.CountsRefreshed(logger, n);
        return n;
    }

    /// <summary>Date and schedule triggers due in the last two periods; returns how many customers were due.</summary>
    public async Task<int> FireScheduledTriggersAsync(TimeSpan period, CancellationToken cancellationToken = default)
    {
        // The window overlaps the previous run: triggers carry deterministic event ids, so nobody enters twice.
        var now = time.GetUtcNow();
        var n = await engine.FireScheduledTriggersAsync(now - 2 * period, now, cancellationToken).ConfigureAwait(false);
        if (n > 0)
        {
            Log.ScheduledTriggersFired(logger, n);
        }

        return n;
    }

    /// <summary>The daily analytics: recency ages, so RFM segments and P(alive) change for everyone; changes arrive as ordinary events.</summary>
    public async Task<AnalyticsRun> RecomputeAnalyticsAsync(CancellationToken cancellationToken = default)
    {
        var run = await engine.RecomputeAnalyticsAsync(time.GetUtcNow(), cancellationToken: cancellationToken).ConfigureAwait(false);
        Log.AnalyticsRecomputed(logger, run.Customers, run.Updated, run.SegmentChanges, run.Refreshed);
        return run;
    }
}
