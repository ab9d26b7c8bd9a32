namespace ScenarioEngine.Journeys.Sending;

/// <summary>
/// A medium's send-rate cursor: the latest window that holds reservations and how many it holds. Every earlier window is full or
/// past, so the next reservation goes into <paramref name="Window"/> while it has room, else into the window after it.
/// </summary>
/// <param name="Window">The start of the latest window with reservations.</param>
/// <param name="Taken">Reservations in that window.</param>
public sealed record RateCursor(DateTimeOffset Window, int Taken);
