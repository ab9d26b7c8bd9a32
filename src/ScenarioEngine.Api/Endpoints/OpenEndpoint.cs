namespace ScenarioEngine.Api.Endpoints;

/// <summary>Endpoint metadata: the endpoint needs no API key, on purpose.</summary>
public sealed class OpenEndpoint
{
    private OpenEndpoint()
    {
    }

    /// <summary>The one instance.</summary>
    public static OpenEndpoint Instance { get; } = new();
}
