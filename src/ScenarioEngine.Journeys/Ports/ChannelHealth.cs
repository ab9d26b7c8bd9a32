using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys.Ports;

/// <summary>
/// One channel's health for the health endpoint and the dashboard (shape documented in docs/architecture.md, "Sending safely at scale").
/// </summary>
/// <param name="Medium">email, line, webhook or postcard.</param>
/// <param name="State">Closed (sending), open (sends deferred until <paramref name="RetryAt"/>) or half-open (one trial send out).</param>
/// <param name="ConsecutiveFailures">Provider failures counted since the last success.</param>
/// <param name="OpenedAt">When the circuit last opened, or null if it never did.</param>
/// <param name="RetryAt">Open: when the trial send may go; half-open: when the trial's hold ends; closed: null.</param>
/// <param name="LastFailure">The last provider failure's reason, or null.</param>
/// <param name="Rate">Messages per <paramref name="RateWindow"/> for this medium, or null when not limited.</param>
/// <param name="RateWindow">The window rates count in.</param>
public sealed record ChannelHealth(
    string Medium,
    CircuitState State,
    int ConsecutiveFailures,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? RetryAt,
    string? LastFailure,
    int? Rate,
    TimeSpan RateWindow);
