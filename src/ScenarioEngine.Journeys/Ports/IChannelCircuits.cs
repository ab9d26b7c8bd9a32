using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys.Ports;

/// <summary>The circuit of each channel (medium), one row shared by every host, written only at the version read.</summary>
public interface IChannelCircuits
{
    /// <summary>The medium's circuit (null value when it never failed).</summary>
    Task<Versioned<ChannelCircuit>> ReadAsync(string medium, CancellationToken cancellationToken = default);

    /// <summary>Writes the circuit only if the row is still at <paramref name="etag"/>; false when another host wrote it since (read again).</summary>
    Task<bool> TryWriteAsync(string medium, ChannelCircuit circuit, string etag, CancellationToken cancellationToken = default);

    /// <summary>Every medium's circuit that has a row, by medium.</summary>
    Task<IReadOnlyDictionary<string, ChannelCircuit>> ReadAllAsync(CancellationToken cancellationToken = default);
}
