using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys.Ports;

/// <summary>The send-rate cursor of each medium, one row shared by every host, written only at the version read.</summary>
public interface ISendRates
{
    /// <summary>The medium's cursor (null value when none was written yet).</summary>
    Task<Versioned<RateCursor>> ReadAsync(string medium, CancellationToken cancellationToken = default);

    /// <summary>Writes the cursor only if the row is still at <paramref name="etag"/>; false when another send wrote it since (read again).</summary>
    Task<bool> TryWriteAsync(string medium, RateCursor cursor, string etag, CancellationToken cancellationToken = default);
}
