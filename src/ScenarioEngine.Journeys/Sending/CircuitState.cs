namespace ScenarioEngine.Journeys.Sending;

/// <summary>The state of a channel's circuit.</summary>
public enum CircuitState
{
    /// <summary>Sends go out; provider failures are counted.</summary>
    Closed,

    /// <summary>Sends are deferred (rule <c>circuit</c>) until the cool-down ends.</summary>
    Open,

    /// <summary>The cool-down ended and one trial send is out; the others wait for its result.</summary>
    HalfOpen,
}
