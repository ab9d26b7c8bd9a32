using System.Globalization;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys.Tests;

/// <summary>The rate cursors and circuits in memory, versioned like Table ETags (a write at a stale version fails).</summary>
internal sealed class FakeSendGateState : ISendRates, IChannelCircuits
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (object Value, int Version)> _rows = new(StringComparer.Ordinal);

    public int RateWrites { get; private set; }

    /// <summary>How long a rate-cursor write takes (a storage round trip), so concurrent sends pile up behind it.</summary>
    public TimeSpan RateWriteDelay { get; set; }

    public ChannelCircuit? Circuit(string medium) => Read<ChannelCircuit>("circuit|" + medium).Value;

    public RateCursor? Cursor(string medium, int shard = 0) => Read<RateCursor>(RateKey(medium, shard)).Value;

    public Task<Versioned<RateCursor>> ReadAsync(string medium, int shard, CancellationToken cancellationToken = default) => Task.FromResult(Read<RateCursor>(RateKey(medium, shard)));

    public async Task<bool> TryWriteAsync(string medium, int shard, RateCursor cursor, string etag, CancellationToken cancellationToken = default)
    {
        if (RateWriteDelay > TimeSpan.Zero)
        {
            await Task.Delay(RateWriteDelay, cancellationToken);
        }

        var written = Write(RateKey(medium, shard), cursor, etag);
        if (written)
        {
            lock (_gate)
            {
                RateWrites++;
            }
        }

        return written;
    }

    /// <summary>How many times a circuit row was read.</summary>
    public int CircuitReads { get; private set; }

    public Task<Versioned<ChannelCircuit>> ReadAsync(string medium, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            CircuitReads++;
        }

        return Task.FromResult(Read<ChannelCircuit>("circuit|" + medium));
    }

    public Task<bool> TryWriteAsync(string medium, ChannelCircuit circuit, string etag, CancellationToken cancellationToken = default) =>
        Task.FromResult(Write("circuit|" + medium, circuit, etag));

    public Task<IReadOnlyDictionary<string, ChannelCircuit>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyDictionary<string, ChannelCircuit> all = _rows.Where(r => r.Key.StartsWith("circuit|", StringComparison.Ordinal))
                .ToDictionary(r => r.Key["circuit|".Length..], r => (ChannelCircuit)r.Value.Value, StringComparer.Ordinal);
            return Task.FromResult(all);
        }
    }

    private static string RateKey(string medium, int shard) => "rate|" + medium + "|" + shard.ToString(CultureInfo.InvariantCulture);

    private Versioned<T> Read<T>(string key)
        where T : class
    {
        lock (_gate)
        {
            return _rows.TryGetValue(key, out var row) ? new Versioned<T>((T)row.Value, row.Version.ToString(CultureInfo.InvariantCulture)) : new Versioned<T>(null, "");
        }
    }

    private bool Write(string key, object value, string etag)
    {
        lock (_gate)
        {
            var exists = _rows.TryGetValue(key, out var row);
            if (exists ? row.Version.ToString(CultureInfo.InvariantCulture) != etag : etag.Length != 0)
            {
                return false;
            }

            _rows[key] = (value, exists ? row.Version + 1 : 1);
            return true;
        }
    }
}
