using ScenarioEngine.Core.Language;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Journeys.Sending;

/// <summary>The channels' health from their shared circuit rows and the rate settings: every medium, healthy when it has no row.</summary>
public sealed class ChannelHealthReader(IChannelCircuits circuits, SendingOptions options) : IChannelHealth
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<ChannelHealth>> ReadAsync(CancellationToken cancellationToken = default)
    {
        var rows = await circuits.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        return Medium.All.Select(medium =>
        {
            var circuit = rows.GetValueOrDefault(medium) ?? ChannelCircuit.Healthy;
            return new ChannelHealth(medium, circuit.State, circuit.Failures, circuit.OpenedAt, circuit.State == CircuitState.Closed ? null : circuit.RetryAt,
                circuit.LastFailure, options.RateFor(medium), options.RateWindow);
        }).ToList();
    }
}
