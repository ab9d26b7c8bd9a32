namespace ScenarioEngine.Journeys.Sending;

/// <summary>What a circuit says to a send asking to go out.</summary>
public enum CircuitAdmission
{
    /// <summary>Closed: send.</summary>
    Pass,

    /// <summary>Open or a trial is out: defer, asking again at <see cref="CircuitBreaker.AskAgainAt"/>.</summary>
    Defer,

    /// <summary>The cool-down (or the last trial's hold) ended: this send may become the trial, if it writes the half-open state first.</summary>
    Trial,
}
