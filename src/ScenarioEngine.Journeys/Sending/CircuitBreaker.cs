namespace ScenarioEngine.Journeys.Sending;

/// <summary>
/// The circuit breaker's transitions (pure; the time comes in): closed until <see cref="CircuitBreakerOptions.FailureThreshold"/>
/// consecutive provider failures within <see cref="CircuitBreakerOptions.FailureWindow"/>; open for the cool-down; then half-open
/// with one trial send, whose success closes it and whose failure opens it again for twice the cool-down (up to the maximum).
/// </summary>
public static class CircuitBreaker
{
    /// <summary>Whether a send may go out now.</summary>
    public static CircuitAdmission Admit(ChannelCircuit circuit, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        return circuit.State switch
        {
            CircuitState.Closed => CircuitAdmission.Pass,
            _ when circuit.RetryAt is { } retryAt && now < retryAt => CircuitAdmission.Defer,
            _ => CircuitAdmission.Trial,
        };
    }

    /// <summary>
    /// When a send the circuit defers asks again: an open circuit's cool-down end; behind a trial (half-open), one
    /// <see cref="CircuitBreakerOptions.TrialRecheckInterval"/> from now or the trial's hold end, whichever comes first, so the held
    /// sends go soon after a trial that closes the circuit, and one of them may become the next trial when the hold ends.
    /// </summary>
    public static DateTimeOffset AskAgainAt(ChannelCircuit circuit, DateTimeOffset now, CircuitBreakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(options);
        var retryAt = circuit.RetryAt ?? now;
        if (circuit.State != CircuitState.HalfOpen)
        {
            return retryAt;
        }

        var recheck = now + options.TrialRecheckInterval;
        return recheck < retryAt ? recheck : retryAt;
    }

    /// <summary>The half-open circuit a send that became the trial writes: it holds the circuit for the trial's timeout.</summary>
    public static ChannelCircuit StartTrial(ChannelCircuit circuit, DateTimeOffset now, CircuitBreakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(options);
        return circuit with { State = CircuitState.HalfOpen, RetryAt = now + options.TrialTimeout };
    }

    /// <summary>The circuit after a provider failure.</summary>
    public static ChannelCircuit Failed(ChannelCircuit circuit, DateTimeOffset now, string reason, CircuitBreakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(options);
        switch (circuit.State)
        {
            case CircuitState.Open:
                // A send let through before the circuit opened failed late: the circuit is open already.
                return circuit with { LastFailure = reason };
            case CircuitState.HalfOpen:
                var reopens = circuit.Reopens + 1;
                return circuit with { State = CircuitState.Open, Failures = circuit.Failures + 1, OpenedAt = now, RetryAt = now + CoolDown(reopens, options), Reopens = reopens, LastFailure = reason };
        }

        var fresh = circuit.FirstFailureAt is not { } first || now - first > options.FailureWindow || circuit.Failures == 0;
        var failures = fresh ? 1 : circuit.Failures + 1;
        var counted = circuit with { Failures = failures, FirstFailureAt = fresh ? now : circuit.FirstFailureAt, LastFailure = reason };
        return failures >= options.FailureThreshold
            ? counted with { State = CircuitState.Open, OpenedAt = now, RetryAt = now + CoolDown(0, options), Reopens = 0 }
            : counted;
    }

    /// <summary>The circuit after a send the provider accepted: a half-open or failing circuit closes; an open one waits for its trial.</summary>
    public static ChannelCircuit Succeeded(ChannelCircuit circuit)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        return circuit.State == CircuitState.Open
            ? circuit
            : circuit with { State = CircuitState.Closed, Failures = 0, FirstFailureAt = null, RetryAt = null, Reopens = 0 };
    }

    /// <summary>The cool-down after <paramref name="reopens"/> failed trials: doubled each time, at most the maximum.</summary>
    public static TimeSpan CoolDown(int reopens, CircuitBreakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var factor = Math.Pow(2, Math.Min(reopens, 30));
        return TimeSpan.FromTicks((long)Math.Min(options.MaxCoolDown.Ticks, options.CoolDown.Ticks * factor));
    }
}
