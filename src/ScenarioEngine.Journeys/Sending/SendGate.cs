using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Journeys.Sending;

/// <summary>
/// What the send activity asks after the send policy and before the claim: is the medium's circuit closed, and is there room under the
/// medium's send rate? A send held by either gets a deferral (rule <c>rate</c> or <c>circuit</c>) with the time to ask again, and
/// holds no claim meanwhile; a send over the rate reserves a place in the first window with room and carries it to its next attempt
/// (<see cref="SendCommand.ReservedWindow"/>), so deferred sends do not race again for each window. After the channel call the
/// activity reports the provider's answer, which counts failures and opens, closes or reopens the circuit. State lives in rows shared
/// by every host: the rate's cursor rows per medium (<see cref="ISendRates"/>, one per shard) and one circuit row per medium
/// (<see cref="IChannelCircuits"/>). Register one per process (a singleton): it coalesces the process's concurrent reservations.
/// </summary>
public sealed class SendGate(ISendRates rates, IChannelCircuits circuits, SendingOptions options, TimeProvider time, ILogger<SendGate> logger)
{
    private readonly SendingOptions _options = Validated(options);
    private readonly RateReservations _reservations = new(rates, options, time);

    // Each medium's circuit as this process last read it, and when (Sending:Circuit:RefreshInterval).
    private readonly ConcurrentDictionary<string, (Versioned<ChannelCircuit> Read, DateTimeOffset At)> _circuits = new(StringComparer.Ordinal);

    /// <summary>The rule of a deferral by the send rate (counted as "deferred:rate").</summary>
    public const string RateRule = "rate";

    /// <summary>The rule of a deferral by an open circuit (counted as "deferred:circuit").</summary>
    public const string CircuitRule = "circuit";

    private const int MaxWriteAttempts = 16;

    /// <summary>True for a deferral by this gate: it waits for room or for the provider, and is not an attempt that failed.</summary>
    public static bool Held(SendOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Status == SendStatus.Deferred && outcome.Rule is RateRule or CircuitRule;
    }

    /// <summary>Lets the send out, or returns its deferral: the circuit is read first (an open one takes no rate place), then the rate.</summary>
    public async Task<SendAdmission> AdmitAsync(SendCommand send, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(send);
        var now = time.GetUtcNow();
        var read = _options.Circuit.Enabled
            ? await CircuitAsync(send.Medium, now, cancellationToken).ConfigureAwait(false)
            : new Versioned<ChannelCircuit>(null, "");
        var circuit = read.Value ?? ChannelCircuit.Healthy;
        var admission = CircuitBreaker.Admit(circuit, now);
        if (admission == CircuitAdmission.Defer)
        {
            return new SendAdmission(CircuitDeferral(send, circuit, CircuitBreaker.AskAgainAt(circuit, now, _options.Circuit)), circuit, Trial: false);
        }

        var (overRate, window) = await ReserveAsync(send, now).ConfigureAwait(false);
        if (overRate is not null)
        {
            return new SendAdmission(overRate, circuit, Trial: false);
        }

        if (admission == CircuitAdmission.Pass)
        {
            return new SendAdmission(null, circuit, Trial: false, window);
        }

        var trial = CircuitBreaker.StartTrial(circuit, now, _options.Circuit);
        _circuits.TryRemove(send.Medium, out _);
        if (!await circuits.TryWriteAsync(send.Medium, trial, read.ETag, cancellationToken).ConfigureAwait(false))
        {
            // Another send became the trial first; its result decides, so this one asks again as any send held behind a trial does.
            return new SendAdmission(CircuitDeferral(send, circuit, CircuitBreaker.AskAgainAt(trial, now, _options.Circuit)), circuit, Trial: false);
        }

        Log.CircuitTrial(logger, send.Medium, send.IdempotencyKey);
        return new SendAdmission(null, trial, Trial: true, window);
    }

    /// <summary>
    /// Counts the provider's answer to an admitted send on the medium's circuit: a fault counts a failure (and may open the circuit, or
    /// reopen a half-open one); a success closes a half-open or failing circuit. A healthy circuit's success writes nothing.
    /// </summary>
    public async Task ReportAsync(SendCommand send, SendAdmission admission, ChannelFault fault, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(admission);
        var failed = fault != ChannelFault.None;
        if (!_options.Circuit.Enabled || (!failed && !admission.Trial && admission.Circuit.State == CircuitState.Closed && admission.Circuit.Failures == 0))
        {
            return;
        }

        // What this process reports changes the circuit: its next admission reads the row again.
        try
        {
            await WriteReportAsync(send, failed, fault, reason, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _circuits.TryRemove(send.Medium, out _);
        }
    }

    private async Task WriteReportAsync(SendCommand send, bool failed, ChannelFault fault, string reason, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var read = await circuits.ReadAsync(send.Medium, cancellationToken).ConfigureAwait(false);
            var current = read.Value ?? ChannelCircuit.Healthy;
            var next = failed ? CircuitBreaker.Failed(current, time.GetUtcNow(), $"{fault}: {reason}", _options.Circuit) : CircuitBreaker.Succeeded(current);
            if (next == current)
            {
                return;
            }

            if (await circuits.TryWriteAsync(send.Medium, next, read.ETag, cancellationToken).ConfigureAwait(false))
            {
                if (next.State == CircuitState.Open && current.State != CircuitState.Open)
                {
                    Log.CircuitOpened(logger, send.Medium, next.Failures, next.RetryAt, next.LastFailure);
                }
                else if (next.State == CircuitState.Closed && current.State != CircuitState.Closed)
                {
                    Log.CircuitClosed(logger, send.Medium);
                }

                return;
            }

            await BackOffAsync(attempt, time).ConfigureAwait(false);
        }

        Log.CircuitNotUpdated(logger, send.Medium, MaxWriteAttempts);
    }

    // The medium's circuit as read within the refresh interval, or read now.
    private async Task<Versioned<ChannelCircuit>> CircuitAsync(string medium, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_circuits.TryGetValue(medium, out var known) && now - known.At < _options.Circuit.RefreshInterval && now >= known.At)
        {
            return known.Read;
        }

        var read = await circuits.ReadAsync(medium, cancellationToken).ConfigureAwait(false);
        _circuits[medium] = (read, now);
        return read;
    }

    // The deferral when the send is over the rate (null when it may go now), and the window it counts in when it may (null when the
    // medium is not limited).
    private async Task<(SendOutcome? Deferral, DateTimeOffset? Window)> ReserveAsync(SendCommand send, DateTimeOffset now)
    {
        if (_options.RateFor(send.Medium) is not { } perWindow)
        {
            return (null, null);
        }

        var window = _options.RateWindow;
        if (send.ReservedWindow is { } reserved)
        {
            if (SendRate.Holds(reserved, now, window))
            {
                return (null, reserved);
            }

            if (now < reserved)
            {
                return (RateDeferral(send, reserved, perWindow), null);
            }

            // The timer fired after the reserved window ended (a host was down): that place is gone, so a new one is reserved.
        }

        var granted = await _reservations.ReserveAsync(send.Medium, perWindow).ConfigureAwait(false);
        if (granted <= time.GetUtcNow())
        {
            return (null, granted);
        }

        Log.RateReserved(logger, send.IdempotencyKey, send.Medium, granted);
        return (RateDeferral(send, granted, perWindow), null);
    }

    private static SendingOptions Validated(SendingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    /// <summary>Writers racing for one row spread out: a random wait of up to 5 ms doubled per lost write (at most 320 ms).</summary>
    internal static Task BackOffAsync(int attempt, TimeProvider time) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, 5 << Math.Min(attempt, 6))), time);

    private SendOutcome RateDeferral(SendCommand send, DateTimeOffset window, int perWindow) =>
        new(SendStatus.Deferred,
            string.Create(CultureInfo.InvariantCulture, $"{RateRule}: {send.Medium} is limited to {perWindow} per {_options.RateWindow}; a place is held in the window from {window:O}"),
            window, Rule: RateRule)
        {
            ReservedWindow = window,
        };

    private static SendOutcome CircuitDeferral(SendCommand send, ChannelCircuit circuit, DateTimeOffset retryAt) =>
        new(SendStatus.Deferred,
            string.Create(CultureInfo.InvariantCulture,
                $"{CircuitRule}: the {send.Medium} provider failed {circuit.Failures} times, last: {circuit.LastFailure ?? "none"}; sends wait until {retryAt:O}"),
            retryAt, Rule: CircuitRule);
}
