namespace ScenarioEngine.Runtime.Integration;

/// <summary>
/// Where the engine hands what it did (journeys entered, exited and converted, messages sent, skipped and failed, segments entered
/// and left) for the shop's other systems. Called after the customer's commit succeeded, on the engine's hot path: an implementation
/// must return at once and never throw (buffer, and send in the background).
/// </summary>
public interface IIntegrationEvents
{
    /// <summary>Hands one event over; returns at once.</summary>
    void Publish(IntegrationEvent integrationEvent);
}
