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

    public long Orchestrations => Interlocked.Read(ref _orchestrations);

    public long Exits => Interlocked.Read(ref _exits);

    public void OrchestrationCompleted() => Interlocked.Increment(ref _orchestrations);

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
            counted.AddActivity(name, create);
        }

        return counted;
    }
}
