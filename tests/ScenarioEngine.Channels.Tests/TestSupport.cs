namespace ScenarioEngine.Channels.Tests;

/// <summary>A clock that moves only when told to.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>A retry policy on a virtual clock: waits are recorded and advance the clock, never sleep.</summary>
public sealed class VirtualRetry
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public VirtualRetry(RetryOptions? options = null, int seed = 42)
    {
        Time = new ManualTimeProvider(Start);
        Policy = new RetryPolicy(options ?? new RetryOptions(), Time, (delay, _) =>
        {
            Delays.Add(delay);
            Time.Advance(delay);
            return Task.CompletedTask;
        }, new Random(seed));
    }

    public ManualTimeProvider Time { get; }

    public RetryPolicy Policy { get; }

    public List<TimeSpan> Delays { get; } = [];
}

public static class Http
{
    public static HttpClient Client() => new() { Timeout = TimeSpan.FromSeconds(20) };
}
