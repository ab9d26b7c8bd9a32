using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys.Ports;

/// <summary>
/// The send-rate cursors of each medium: one row per medium and shard, shared by every host, written only at the version read. A
/// medium's rate is split over its shards (<see cref="SendingOptions.RateShards"/>) so that racing sends spread over several rows.
/// </summary>
public interface ISendRates
{
    /// <summary>The cursor of one shard of the medium (null value when none was written yet).</summary>
    Task<Versioned<RateCursor>> ReadAsync(string medium, int shard, CancellationToken cancellationToken = default);

    /// <summary>Writes the cursor only if the row is still at <paramref name="etag"/>; false when another send wrote it since (read again).</summary>
    Task<bool> TryWriteAsync(string medium, int shard, RateCursor cursor, string etag, CancellationToken cancellationToken = default);
}
