using System.Collections.Concurrent;
using System.Diagnostics;
using ScenarioEngine.Journeys.AzureStorage;
using ScenarioEngine.Runtime.Integration;

namespace ScenarioEngine.Benchmarks;

/// <summary>
/// Counts, in one load-driver run, the orchestrations that completed (through <see cref="Counting"/>) and the journey exits the
/// recorder committed (it hands them over as journey.exited integration events): the two ends of a journey, free of storage requests.
/// </summary>
internal sealed class JourneyCompletions : IIntegrationEvents
{
    private long _orchestrations;
    private long _exits;
    private readonly ConcurrentQueue<long> _completedAt = new();
    private readonly ConcurrentQueue<long> _startedAt = new();
    private readonly ConcurrentQueue<(string Name, long Started, long Ended)> _activities = new();

    public long Orchestrations => Interlocked.Read(ref _orchestrations);

    public long Exits => Interlocked.Read(ref _exits);

    /// <summary>The <see cref="Stopwatch"/> timestamps of the completions so far.</summary>
    public IReadOnlyCollection<long> CompletedAt => _completedAt;

    /// <summary>The <see cref="Stopwatch"/> timestamps of the executions' first episodes so far.</summary>
    public IReadOnlyCollection<long> StartedAt => _startedAt;

    /// <summary>The activities run so far: name (and sent step), <see cref="Stopwatch"/> timestamps of their start and end.</summary>
    public IReadOnlyCollection<(string Name, long Started, long Ended)> Activities => _activities;

    public void ActivityRan(string name, long started, long ended) => _activities.Enqueue((name, started, ended));

    public void OrchestrationStarted() => _startedAt.Enqueue(Stopwatch.GetTimestamp());

    public void OrchestrationCompleted()
    {
        _completedAt.Enqueue(Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _orchestrations);
    }

    public void Publish(IntegrationEvent integrationEvent)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        if (integrationEvent.Type == IntegrationEventTypes.JourneyExited)
        {
            Interlocked.Increment(ref _exits);
        }
    }

    /// <summary><paramref name="tasks"/> with every orchestrator counted here when it completes.</summary>
    public DurableTaskSet Counting(DurableTaskSet tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var counted = new DurableTaskSet();
        foreach (var (name, create) in tasks.Orchestrators)
        {
            counted.AddOrchestrator(name, sp => new CompletionCountingOrchestrator(create(sp), this));
        }

        foreach (var (name, create) in tasks.Activities)
        {
            counted.AddActivity(name, sp => new TimedActivity(name, create(sp), this));
        }

        return counted;
    }
}
