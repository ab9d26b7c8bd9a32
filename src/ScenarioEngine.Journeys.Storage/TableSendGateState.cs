using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Journeys.Storage;

/// <summary>
/// The rows every host shares for sending, in the sending table: the send-rate cursors of each medium, one per shard (partition
/// "rate|{medium}|{shard}", row "rate"), and one circuit per medium (partition "circuit|{medium}", row "circuit"), each replaced only
/// at the ETag read. Every row is in its own partition, so each has a partition's throughput (2,000 entities/s) to itself.
/// </summary>
public sealed class TableSendGateState : ISendRates, IChannelCircuits
{
    private const string RateKind = "rate";
    private const string CircuitKind = "circuit";

    private readonly IRowStore _store;
    private readonly JourneyTableOptions _options;

    /// <summary>The rows on <paramref name="store"/>.</summary>
    public TableSendGateState(IRowStore store, JourneyTableOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (_store, _options) = (store, options);
    }

    /// <inheritdoc />
    public Task<Versioned<RateCursor>> ReadAsync(string medium, int shard, CancellationToken cancellationToken = default) =>
        ReadAsync<RateCursor>(RateKind, RatePartition(medium, shard), cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryWriteAsync(string medium, int shard, RateCursor cursor, string etag, CancellationToken cancellationToken = default) =>
        TryWriteAsync(RateKind, RatePartition(medium, shard), cursor, etag, cancellationToken);

    /// <inheritdoc />
    public Task<Versioned<ChannelCircuit>> ReadAsync(string medium, CancellationToken cancellationToken = default) =>
        ReadAsync<ChannelCircuit>(CircuitKind, Partition(CircuitKind, medium), cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryWriteAsync(string medium, ChannelCircuit circuit, string etag, CancellationToken cancellationToken = default) =>
        TryWriteAsync(CircuitKind, Partition(CircuitKind, medium), circuit, etag, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, ChannelCircuit>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        var circuits = new Dictionary<string, ChannelCircuit>(StringComparer.Ordinal);
        await foreach (var row in _store.ScanAsync(_options.SendingTable, CircuitKind, cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == CircuitKind && row.PartitionKey.StartsWith(CircuitKind + "|", StringComparison.Ordinal))
            {
                circuits[row.PartitionKey[(CircuitKind.Length + 1)..]] = Codec.Read<ChannelCircuit>(row);
            }
        }

        return circuits;
    }

    private async Task<Versioned<T>> ReadAsync<T>(string kind, string partition, CancellationToken cancellationToken)
        where T : class
    {
        var row = await _store.GetAsync(_options.SendingTable, partition, kind, cancellationToken).ConfigureAwait(false);
        return row is null ? new Versioned<T>(null, "") : new Versioned<T>(Codec.Read<T>(row), row.ETag ?? "");
    }

    private async Task<bool> TryWriteAsync<T>(string kind, string partition, T value, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(etag);
        var row = new StoredRow(partition, kind, Codec.Write(value), etag.Length == 0 ? null : etag);
        var write = new RowWrite(etag.Length == 0 ? WriteKind.Insert : WriteKind.Replace, row);
        var result = await _store.CommitAsync(_options.SendingTable, [write], cancellationToken).ConfigureAwait(false);
        return result.Status == CommitStatus.Ok;
    }

    private static string RatePartition(string medium, int shard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        return Partition(RateKind, medium) + "|" + shard.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Partition(string kind, string medium)
    {
        if (string.IsNullOrWhiteSpace(medium))
        {
            throw new ArgumentException("medium is required (email, line, webhook or postcard).", nameof(medium));
        }

        TableKeys.Validate(medium, nameof(medium), TableKeys.MaxLength - 16);
        return kind + "|" + medium;
    }
}
