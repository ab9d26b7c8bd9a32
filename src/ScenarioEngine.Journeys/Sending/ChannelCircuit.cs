namespace ScenarioEngine.Journeys.Sending;

/// <summary>A medium's circuit, as every host shares it (one Table row per medium).</summary>
/// <param name="State">Closed, open or half-open.</param>
/// <param name="Failures">Consecutive provider failures counted (reset by a success).</param>
/// <param name="FirstFailureAt">When the current run of failures started.</param>
/// <param name="OpenedAt">When the circuit last opened.</param>
/// <param name="RetryAt">Open: when the cool-down ends; half-open: when the trial's hold ends.</param>
/// <param name="Reopens">Failed trials since the circuit opened (each doubles the cool-down).</param>
/// <param name="LastFailure">The last provider failure's reason (provider text, no personal data).</param>
public sealed record ChannelCircuit(
    CircuitState State,
    int Failures,
    DateTimeOffset? FirstFailureAt,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? RetryAt,
    int Reopens,
    string? LastFailure)
{
    /// <summary>A closed circuit with no failures (a medium with no row).</summary>
    public static ChannelCircuit Healthy { get; } = new(CircuitState.Closed, 0, null, null, null, 0, null);
}
