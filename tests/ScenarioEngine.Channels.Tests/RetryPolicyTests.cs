namespace ScenarioEngine.Channels.Tests;

public sealed class RetryPolicyTests
{
    private static readonly ChannelResult Ok = new ChannelResult.Sent("id-1");

    [Fact]
    public async Task ExecuteAsync_TransientThenCompleted_RetriesWithJitteredExponentialBackoff()
    {
        var retry = new VirtualRetry(new RetryOptions { MaxAttempts = 4, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(30) });
        var attempts = 0;

        var result = await retry.Policy.ExecuteAsync((n, _) => Task.FromResult<ChannelAttempt>(
            ++attempts < 3 ? new ChannelAttempt.Transient("HTTP 503") : new ChannelAttempt.Completed(Ok)));

        Assert.Equal(Ok, result);
        Assert.Equal(3, attempts);
        Assert.Equal(2, retry.Delays.Count);
        Assert.InRange(retry.Delays[0], TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.InRange(retry.Delays[1], TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ExecuteAsync_TransientEveryTime_ReturnsRetryAfterAfterMaxAttempts()
    {
        var retry = new VirtualRetry(new RetryOptions { MaxAttempts = 3 });
        var attempts = 0;

        var result = await retry.Policy.ExecuteAsync((_, _) =>
        {
            attempts++;
            return Task.FromResult<ChannelAttempt>(new ChannelAttempt.Transient("HTTP 500"));
        });

        var retryAfter = Assert.IsType<ChannelResult.RetryAfter>(result);
        Assert.False(retryAfter.Throttled);
        Assert.Equal(3, attempts);
        Assert.Equal(2, retry.Delays.Count);
        Assert.Contains("HTTP 500", retryAfter.Reason, StringComparison.Ordinal);
        // The third backoff cap (500 ms * 2^2), unjittered, so the caller does not come straight back.
        Assert.Equal(retry.Time.GetUtcNow() + TimeSpan.FromSeconds(2), retryAfter.RetryAt);
    }

    [Fact]
    public async Task ExecuteAsync_RateLimitedWithNearReset_WaitsExactlyUntilReset()
    {
        var retry = new VirtualRetry();
        var reset = VirtualRetry.Start.AddSeconds(7);
        var attempts = 0;

        var result = await retry.Policy.ExecuteAsync((_, _) => Task.FromResult<ChannelAttempt>(
            ++attempts == 1 ? new ChannelAttempt.RateLimited(reset, "429") : new ChannelAttempt.Completed(Ok)));

        Assert.Equal(Ok, result);
        Assert.Equal([TimeSpan.FromSeconds(7)], retry.Delays);
    }

    [Fact]
    public async Task ExecuteAsync_RateLimitedWithFarReset_ReturnsRetryAfterAtResetWithoutWaiting()
    {
        var retry = new VirtualRetry(new RetryOptions { MaxRateLimitWait = TimeSpan.FromSeconds(10) });
        var reset = VirtualRetry.Start.AddMinutes(15);

        var result = await retry.Policy.ExecuteAsync((_, _) => Task.FromResult<ChannelAttempt>(new ChannelAttempt.RateLimited(reset, "429")));

        Assert.Equal(reset, Assert.IsType<ChannelResult.RetryAfter>(result).RetryAt);
        Assert.True(((ChannelResult.RetryAfter)result).Throttled);
        Assert.Empty(retry.Delays);
    }

    [Fact]
    public async Task ExecuteAsync_RateLimitedWithoutReset_BacksOffLikeTransient()
    {
        var retry = new VirtualRetry(new RetryOptions { BaseDelay = TimeSpan.FromSeconds(2) });
        var attempts = 0;

        var result = await retry.Policy.ExecuteAsync((_, _) => Task.FromResult<ChannelAttempt>(
            ++attempts == 1 ? new ChannelAttempt.RateLimited(null, "429") : new ChannelAttempt.Completed(Ok)));

        Assert.Equal(Ok, result);
        Assert.InRange(Assert.Single(retry.Delays), TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ExecuteAsync_CompletedFailure_IsNotRetried()
    {
        var retry = new VirtualRetry();
        var attempts = 0;
        var failed = new ChannelResult.Failed("HTTP 400");

        var result = await retry.Policy.ExecuteAsync((_, _) =>
        {
            attempts++;
            return Task.FromResult<ChannelAttempt>(new ChannelAttempt.Completed(failed));
        });

        Assert.Same(failed, result);
        Assert.Equal(1, attempts);
        Assert.Empty(retry.Delays);
    }

    [Fact]
    public void ComputeBackoff_SameSeed_GivesSameDelaysWithinGrowingCaps()
    {
        var options = new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(800) };
        var first = new VirtualRetry(options, seed: 7).Policy;
        var second = new VirtualRetry(options, seed: 7).Policy;

        for (var retry = 1; retry <= 10; retry++)
        {
            var delay = first.ComputeBackoff(retry);
            Assert.Equal(delay, second.ComputeBackoff(retry));
            var cap = TimeSpan.FromMilliseconds(Math.Min(800, 100 * Math.Pow(2, retry - 1)));
            Assert.InRange(delay, TimeSpan.Zero, cap);
        }
    }

    [Fact]
    public async Task ExecuteAsync_CancelledToken_ThrowsInsteadOfReturningAResult()
    {
        var retry = new VirtualRetry();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            retry.Policy.ExecuteAsync((_, _) => Task.FromResult<ChannelAttempt>(new ChannelAttempt.Completed(Ok)), cts.Token));
    }

    [Fact]
    public void Constructor_ZeroAttempts_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(new RetryOptions { MaxAttempts = 0 }));
    }
}
