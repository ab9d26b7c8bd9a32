namespace ScenarioEngine.Journeys.Ports;

/// <summary>Whether a channel's answer says the provider itself is failing (counted by the channel's circuit breaker).</summary>
public enum ChannelFault
{
    /// <summary>No provider fault: delivered, refused for the message's own sake (bad address, 4xx), or throttled (429, handled by its retry time).</summary>
    None,

    /// <summary>The provider is failing: 5xx, a timeout or a network error after the channel's own retries.</summary>
    Outage,

    /// <summary>The provider refused our credentials (401, 403): nothing will go out until they are fixed, so the send is held, not failed.</summary>
    Authentication,
}
