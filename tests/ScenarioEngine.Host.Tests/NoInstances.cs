using ScenarioEngine.Journeys;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Host.Tests;

/// <summary>Journey instances that are accepted and never run: ingest alone, with no orchestration touching the customer's rows.</summary>
internal sealed class NoInstances : IJourneyInstances
{
    public Task StartAsync(JourneyStart start, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task RaiseAsync(string instanceId, JourneyEventDelivery delivery, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
