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

    /// <summary>The circuit breaker per channel.</summary>
    public CircuitBreakerOptions Circuit { get; set; } = new();

    /// <summary>The rate of <paramref name="medium"/> per <see cref="RateWindow"/>, or null when it is not limited.</summary>
    public int? RateFor(string medium) => Rate.TryGetValue(medium, out var rate) && rate > 0 ? rate : null;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
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
        }

        if (RateWindow < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentException($"{Section}:{nameof(RateWindow)} must be at least 00:00:00.1, got {RateWindow}.", nameof(RateWindow));
        }

        ArgumentNullException.ThrowIfNull(Circuit, nameof(Circuit));
        Circuit.Validate();
    }
}
