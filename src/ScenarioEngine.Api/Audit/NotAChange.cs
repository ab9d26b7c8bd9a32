namespace ScenarioEngine.Api.Audit;

/// <summary>Endpoint metadata: an endpoint needing the write or publish scope that changes nothing (validate, simulate, preview), so it is not audited.</summary>
public sealed class NotAChange
{
    private NotAChange()
    {
    }

    /// <summary>The one instance.</summary>
    public static NotAChange Instance { get; } = new();
}
