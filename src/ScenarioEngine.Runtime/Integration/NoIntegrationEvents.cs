namespace ScenarioEngine.Runtime.Integration;

/// <summary>Publishes nothing: the engine's default when no broker is configured.</summary>
public sealed class NoIntegrationEvents : IIntegrationEvents
{
    /// <summary>The one instance.</summary>
    public static readonly NoIntegrationEvents Instance = new();

    private NoIntegrationEvents()
    {
    }

    /// <inheritdoc />
    public void Publish(IntegrationEvent integrationEvent)
    {
    }
}
