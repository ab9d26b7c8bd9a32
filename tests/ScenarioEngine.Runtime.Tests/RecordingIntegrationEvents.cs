using System.Collections.Concurrent;
using ScenarioEngine.Runtime.Integration;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>A recording fake of the integration-events port: keeps every published event in order.</summary>
internal sealed class RecordingIntegrationEvents : IIntegrationEvents
{
    private readonly ConcurrentQueue<IntegrationEvent> _published = new();

    public IReadOnlyList<IntegrationEvent> Published => [.. _published];

    public IReadOnlyList<IntegrationEvent> OfType(string type) => Published.Where(e => e.Type == type).ToList();

    public void Publish(IntegrationEvent integrationEvent) => _published.Enqueue(integrationEvent);
}
