namespace ScenarioEngine.Journeys.Ports;

/// <summary>
/// Starts, signals and stops journey instances through whichever Durable Task client the host holds (the Functions extension's
/// client in Azure, the standalone host's backend client locally).
/// </summary>
public interface IJourneyInstances
{
    /// <summary>Starts the instance of <paramref name="start"/> under its deterministic id; a start for an id already running or pending changes nothing.</summary>
    Task StartAsync(JourneyStart start, CancellationToken cancellationToken = default);

    /// <summary>Raises a customer event to a running instance under <see cref="JourneyEvents.Name"/>.</summary>
    Task RaiseAsync(string instanceId, JourneyEventDelivery delivery, CancellationToken cancellationToken = default);

    /// <summary>Stops an instance for good (erasure, archive); an id with no running instance changes nothing.</summary>
    Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default);
}
