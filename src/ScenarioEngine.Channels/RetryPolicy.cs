using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ScenarioEngine.Channels;

/// <summary>Limits for retrying one send inside a client call.</summary>
public sealed class RetryOptions
{
    /// <summary>Total attempts per send, the first included. Defaults to 4.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The backoff cap of the first retry; each later retry doubles it. Defaults to 500 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The largest backoff cap. Defaults to 30 seconds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest rate-limit wait done inside the call; a later reset time is returned as
    /// <see cref="ChannelResult.RetryAfter"/> so the caller can reschedule instead of holding a worker.
    /// Defaults to 10 seconds.
    /// </summary>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one HTTP attempt may take before it counts as a timeout. Defaults to 30 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "At least one attempt is required.");
        }

        if (BaseDelay < TimeSpan.Zero || MaxDelay < BaseDelay || MaxRateLimitWait < TimeSpan.Zero || AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Retry delays must be non-negative, MaxDelay >= BaseDelay, and AttemptTimeout positive.");
        }
    }
}

/// <summary>What one attempt at a provider call produced, as the retry policy needs to see it.</summary>
public abstract record ChannelAttempt
{
    private ChannelAttempt()
    {
    }

    /// <summary>The attempt reached a final outcome (sent, permanently failed, or unanswered where a repeat is unsafe); no retry.</summary>
    public sealed record Completed(ChannelResult Result) : ChannelAttempt;

    /// <summary>
    /// A 5xx, a request that never left (connect failure), or, where the provider de-duplicates by our key, a timeout or a connection
    /// broken after sending: retry with exponential backoff.
    /// </summary>
    public sealed record Transient(string Reason) : ChannelAttempt;

    /// <summary>A 429: retry once the provider's stated reset time has passed (backoff when it stated none).</summary>
    public sealed record RateLimited(DateTimeOffset? ResetAt, string Reason) : ChannelAttempt;
}

/// <summary>
/// Runs a provider call with the channel retry rules: 429 waits until the provider's reset time, 5xx and
/// transient failures back off exponentially with full jitter, other 4xx and unanswered requests at a provider without an
/// idempotency key are never retried; all bounded.
/// </summary>
/// <remarks>Time, waiting and randomness are injected so tests run with a virtual clock and no real sleeps.</remarks>
public sealed class RetryPolicy
{
    private readonly RetryOptions _options;
    private readonly Func<TimeSpan, CancellationToken, Task> _delayAsync;
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private readonly ILogger _logger;

    /// <summary>Creates a policy.</summary>
    /// <param name="options">Retry limits; defaults when null.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="delayAsync">How to wait; <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> when null.</param>
    /// <param name="random">The jitter source; <see cref="Random.Shared"/> when null.</param>
    /// <param name="logger">Where retries, hand-backs and permanent failures are logged; nothing is logged when null.</param>
    public RetryPolicy(
        RetryOptions? options = null,
        TimeProvider? timeProvider = null,
        Func<TimeSpan, CancellationToken, Task>? delayAsync = null,
        Random? random = null,
        ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        _options = options ?? new RetryOptions();
        _options.Validate();
        TimeProvider = timeProvider ?? TimeProvider.System;
        _delayAsync = delayAsync ?? ((delay, token) => Task.Delay(delay, TimeProvider, token));
        _random = random ?? Random.Shared;
    }

    /// <summary>The clock used for reset times and signatures.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The limits this policy applies.</summary>
    public RetryOptions Options => _options;

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1-based): uniformly random between zero and
    /// min(MaxDelay, BaseDelay * 2^(retry-1)) ("full jitter").
    /// </summary>
    public TimeSpan ComputeBackoff(int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        double fraction;
        lock (_randomLock)
        {
            fraction = _random.NextDouble();
        }

        return TimeSpan.FromTicks((long)(BackoffCap(retry).Ticks * fraction));
    }

    private TimeSpan BackoffCap(int retry) =>
        TimeSpan.FromTicks((long)Math.Min(_options.MaxDelay.Ticks, _options.BaseDelay.Ticks * Math.Pow(2, Math.Min(retry - 1, 30))));

    /// <summary>Runs <paramref name="attemptAsync"/> until it completes or the retry budget is spent.</summary>
    /// <param name="attemptAsync">One attempt; receives the 1-based attempt number.</param>
    /// <param name="cancellationToken">Cancels waiting and the attempt; cancellation is thrown, not returned.</param>
    /// <returns>The completed result, or <see cref="ChannelResult.RetryAfter"/> when retries ran out or the reset is too far away.</returns>
    public async Task<ChannelResult> ExecuteAsync(
        Func<int, CancellationToken, Task<ChannelAttempt>> attemptAsync,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attemptAsync);
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var outcome = await attemptAsync(attempt, cancellationToken).ConfigureAwait(false);
            var now = TimeProvider.GetUtcNow();
            var lastAttempt = attempt >= _options.MaxAttempts;
            TimeSpan wait;
            string reason;
            switch (outcome)
            {
                case ChannelAttempt.Completed completed:
                    if (completed.Result is ChannelResult.Failed failed)
                    {
                        Log.SendFailed(_logger, failed.StatusCode, failed.Reason);
                    }
                    else if (completed.Result is ChannelResult.Unanswered unanswered)
                    {
                        Log.SendUnanswered(_logger, attempt, unanswered.Reason);
                    }

                    return completed.Result;

                case ChannelAttempt.RateLimited limited:
                    var resetAt = limited.ResetAt ?? now + ComputeBackoff(attempt);
                    wait = resetAt > now ? resetAt - now : TimeSpan.Zero;
                    if (lastAttempt || wait > _options.MaxRateLimitWait)
                    {
                        var retryAt = resetAt > now ? resetAt : now;
                        Log.SendThrottled(_logger, retryAt, limited.Reason);
                        return new ChannelResult.RetryAfter(retryAt, limited.Reason) { Throttled = true };
                    }

                    reason = limited.Reason;
                    break;

                case ChannelAttempt.Transient transient:
                    if (lastAttempt)
                    {
                        // Hand the caller the full backoff cap, not a jittered value that may be near zero.
                        var handedBack = ChannelResult.RetryAfter.In(BackoffCap(attempt), now, $"{transient.Reason} (after {attempt} attempts)");
                        Log.SendRetriesExhausted(_logger, attempt, handedBack.RetryAt, transient.Reason);
                        return handedBack;
                    }

                    wait = ComputeBackoff(attempt);
                    reason = transient.Reason;
                    break;

                default:
                    throw new InvalidOperationException($"Unknown attempt outcome {outcome.GetType().Name}.");
            }

            Log.SendRetried(_logger, attempt, reason, wait);
            await _delayAsync(wait, cancellationToken).ConfigureAwait(false);
        }
    }
}
