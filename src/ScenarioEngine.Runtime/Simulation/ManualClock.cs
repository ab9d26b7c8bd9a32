namespace ScenarioEngine.Runtime.Simulation;

/// <summary>A clock that only moves when told to: virtual time for simulation and tests.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    /// <summary>Moves the clock to a time (never backwards).</summary>
    public void MoveTo(DateTimeOffset time)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _ticks);
            if (time.UtcTicks <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _ticks, time.UtcTicks, current) != current);
    }

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => MoveTo(GetUtcNow() + by);
}
