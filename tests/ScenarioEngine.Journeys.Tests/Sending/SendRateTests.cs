using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys.Tests.Sending;

public sealed class SendRateTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly DateTimeOffset Noon = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WindowOf_TimeInsideAMinute_IsTheMinutesStartInUtc()
    {
        var at = new DateTimeOffset(2026, 12, 2, 21, 0, 42, TimeSpan.FromHours(9)).AddMilliseconds(5);

        Assert.Equal(Noon, SendRate.WindowOf(at, Minute));
        Assert.Equal(TimeSpan.Zero, SendRate.WindowOf(at, Minute).Offset);
    }

    [Fact]
    public void Reserve_ThreePerWindow_FillsTheCurrentWindowThenTheNextOnes()
    {
        RateCursor? cursor = null;
        var granted = new List<DateTimeOffset>();

        for (var i = 0; i < 8; i++)
        {
            cursor = SendRate.Reserve(cursor, Noon.AddSeconds(10), 3, Minute);
            granted.Add(cursor.Window);
        }

        Assert.Equal([Noon, Noon, Noon, Noon + Minute, Noon + Minute, Noon + Minute, Noon + (2 * Minute), Noon + (2 * Minute)], granted);
    }

    [Fact]
    public void Reserve_CursorInAPastWindow_StartsAgainInTheCurrentWindow()
    {
        var cursor = new RateCursor(Noon - (5 * Minute), 3);

        var next = SendRate.Reserve(cursor, Noon.AddSeconds(30), 3, Minute);

        Assert.Equal(new RateCursor(Noon, 1), next);
    }

    [Fact]
    public void Reserve_RateLoweredBelowWhatTheWindowHolds_MovesToTheNextWindow()
    {
        var next = SendRate.Reserve(new RateCursor(Noon, 10), Noon, 5, Minute);

        Assert.Equal(new RateCursor(Noon + Minute, 1), next);
    }

    [Fact]
    public void Reserve_ZeroPerWindow_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SendRate.Reserve(null, Noon, 0, Minute));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(59, true)]
    [InlineData(60, false)]
    [InlineData(-1, false)]
    public void Holds_ReservedWindow_OnlyWithinIt(int secondsAfterStart, bool holds)
    {
        Assert.Equal(holds, SendRate.Holds(Noon, Noon.AddSeconds(secondsAfterStart), Minute));
    }
}
