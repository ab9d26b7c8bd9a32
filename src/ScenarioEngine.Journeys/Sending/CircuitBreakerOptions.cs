namespace ScenarioEngine.Journeys.Sending;

/// <summary>Settings of the circuit breaker per channel (section <c>Sending:Circuit</c>).</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Consecutive provider failures (within <see cref="FailureWindow"/>) that open a medium's circuit; 0 turns the breaker off.</summary>
    public int FailureThreshold { get; set; } = 5;

    /// <summary>A run of failures that started longer ago than this starts counting again (default one minute).</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an opened circuit holds sends before one trial send (default one minute); doubled each time a trial fails.</summary>
    public TimeSpan CoolDown { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest cool-down the doubling reaches (default 15 minutes).</summary>
    public TimeSpan MaxCoolDown { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long the trial send holds the half-open circuit before another send may try (default 30 seconds).</summary>
    public TimeSpan TrialTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a send held behind the trial waits before asking again (default 5 seconds; at most until the trial's hold ends): a trial
    /// that succeeds lets the held sends out this long after it, plus up to <see cref="RefreshInterval"/>, instead of at the end of its hold.
    /// </summary>
    public TimeSpan TrialRecheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a process goes on with a medium's circuit as it last read it before reading the row again (default one second): the
    /// sends of one process read the shared row about once per interval instead of once each, and a circuit another host opened holds
    /// this host's sends from at most this long after. A failure or a trial this process reports reads the row at once.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>True when the breaker is on.</summary>
    public bool Enabled => FailureThreshold > 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        const string section = SendingOptions.Section + ":Circuit:";
        if (FailureThreshold < 0)
        {
            throw new ArgumentException($"{section}{nameof(FailureThreshold)} must be 0 (off) or more, got {FailureThreshold}.", nameof(FailureThreshold));
        }

        foreach (var (value, name) in new[] { (FailureWindow, nameof(FailureWindow)), (CoolDown, nameof(CoolDown)), (TrialTimeout, nameof(TrialTimeout)),
                     (TrialRecheckInterval, nameof(TrialRecheckInterval)) })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentException($"{section}{name} must be positive, got {value}.", name);
            }
        }

        if (RefreshInterval < TimeSpan.Zero || RefreshInterval > CoolDown)
        {
            throw new ArgumentException($"{section}{nameof(RefreshInterval)} must be from 0 (read for every send) to {nameof(CoolDown)} ({CoolDown}), got {RefreshInterval}.",
                nameof(RefreshInterval));
        }

        if (MaxCoolDown < CoolDown)
        {
            throw new ArgumentException($"{section}{nameof(MaxCoolDown)} must be at least {nameof(CoolDown)} ({CoolDown}), got {MaxCoolDown}.", nameof(MaxCoolDown));
        }
    }
}
