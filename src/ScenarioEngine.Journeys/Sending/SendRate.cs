namespace ScenarioEngine.Journeys.Sending;

/// <summary>The send-rate arithmetic (pure): fixed windows, and reservations handed out in window order.</summary>
public static class SendRate
{
    /// <summary>The start of the window holding <paramref name="at"/>: a multiple of <paramref name="window"/> since the Unix epoch, in UTC.</summary>
    public static DateTimeOffset WindowOf(DateTimeOffset at, TimeSpan window)
    {
        var ticks = at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return DateTimeOffset.UnixEpoch.AddTicks(ticks - (((ticks % window.Ticks) + window.Ticks) % window.Ticks));
    }

    /// <summary>
    /// Reserves one send at <paramref name="now"/>: the cursor after it, whose <see cref="RateCursor.Window"/> is the window granted
    /// (the current one when it has room, else the first later one with room). At most <paramref name="perWindow"/> reservations go
    /// into any window.
    /// </summary>
    public static RateCursor Reserve(RateCursor? cursor, DateTimeOffset now, int perWindow, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perWindow, 1);
        var current = WindowOf(now, window);
        if (cursor is null || cursor.Window < current)
        {
            return new RateCursor(current, 1);
        }

        // A cursor written under another window length is realigned; one written under a higher rate may hold more than allowed now.
        var aligned = WindowOf(cursor.Window, window);
        return aligned == cursor.Window && cursor.Taken < perWindow ? cursor with { Taken = cursor.Taken + 1 } : new RateCursor(aligned + window, 1);
    }

    /// <summary>True when a reservation of <paramref name="reserved"/> may be used at <paramref name="now"/> (within its window).</summary>
    public static bool Holds(DateTimeOffset reserved, DateTimeOffset now, TimeSpan window) => now >= reserved && now < reserved + window;
}
