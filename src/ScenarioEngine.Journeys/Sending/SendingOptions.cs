using ScenarioEngine.Core.Language;

namespace ScenarioEngine.Journeys.Sending;

/// <summary>Send rates per medium and the channels' circuit breaker (section <c>Sending</c>), shared by every host through Table rows.</summary>
public sealed class SendingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Sending";

    /// <summary>
    /// Messages per <see cref="RateWindow"/> by medium (<c>Sending:Rate:email</c> = 600); a medium not listed, or listed with 0, is
    /// not limited.
    /// </summary>
    public Dictionary<string, int> Rate { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The window the rates count in (default one minute); windows start at multiples of it since the Unix epoch.</summary>
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Rows each limited medium's rate is split over (default 1, at most 64): a send takes its place in one of them at random, each holds
    /// its share of the rate per window, so together they never exceed it. More shards let more sends reserve at once (each row is
    /// written by one send at a time); a shard that is full sends its next ones to a later window while another may still have room.
    /// </summary>
    public int RateShards { get; set; } = 1;

    /// <summary>The circuit breaker per channel.</summary>
    public CircuitBreakerOptions Circuit { get; set; } = new();

    /// <summary>The rate of <paramref name="medium"/> per <see cref="RateWindow"/>, or null when it is not limited.</summary>
    public int? RateFor(string medium) => Rate.TryGetValue(medium, out var rate) && rate > 0 ? rate : null;

    /// <summary>The places per window of one shard: the rate split evenly, the first shards taking one more of what is left over.</summary>
    public static int ShareOf(int perWindow, int shards, int shard) => (perWindow / shards) + (shard < perWindow % shards ? 1 : 0);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (RateShards is < 1 or > 64)
        {
            throw new ArgumentException($"{Section}:{nameof(RateShards)} must be 1 to 64, got {RateShards}.", nameof(RateShards));
        }

        foreach (var (medium, rate) in Rate)
        {
            if (!Medium.All.Contains(medium, StringComparer.Ordinal))
            {
                throw new ArgumentException($"{Section}:Rate:{medium} names no medium; expected one of {string.Join(", ", Medium.All)}.", nameof(Rate));
            }

            if (rate < 0)
            {
                throw new ArgumentException($"{Section}:Rate:{medium} must be 0 (no limit) or more messages per window, got {rate}.", nameof(Rate));
            }

            if (rate > 0 && rate < RateShards)
            {
                throw new ArgumentException($"{Section}:Rate:{medium} ({rate}) must be at least {Section}:{nameof(RateShards)} ({RateShards}): each shard needs a place per window.", nameof(Rate));
            }
        }

        if (RateWindow < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentException($"{Section}:{nameof(RateWindow)} must be at least 00:00:00.1, got {RateWindow}.", nameof(RateWindow));
        }

        ArgumentNullException.ThrowIfNull(Circuit, nameof(Circuit));
        Circuit.Validate();
    }
}
