using System.Globalization;

namespace ScenarioEngine.Journeys.Sending;

/// <summary>Settings of <see cref="SendSettlement"/>, bound from the "Sending" section.</summary>
public sealed class SendSettlementOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Sending";

    /// <summary>
    /// How long a send whose outcome is unknown through a provider without an idempotency key (email through SendGrid) waits for the
    /// provider's confirmation (its Event Webhook) before it is sent again, counted from its claim. Defaults to one hour.
    /// </summary>
    public TimeSpan EmailConfirmationWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (EmailConfirmationWindow <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(EmailConfirmationWindow), EmailConfirmationWindow,
                $"{Section}:{nameof(EmailConfirmationWindow)} must be a positive duration (hh:mm:ss), e.g. 01:00:00.");
        }
    }

    /// <summary>The window as the time line says it: "1 h", "30 min", "45 s", "2 d".</summary>
    public string WindowText()
    {
        var w = EmailConfirmationWindow;
        return w.Ticks % TimeSpan.TicksPerDay == 0 ? Text(w.TotalDays, "d")
            : w.Ticks % TimeSpan.TicksPerHour == 0 ? Text(w.TotalHours, "h")
            : w.Ticks % TimeSpan.TicksPerMinute == 0 ? Text(w.TotalMinutes, "min")
            : Text(Math.Round(w.TotalSeconds, 3), "s");

        static string Text(double value, string unit) => value.ToString(CultureInfo.InvariantCulture) + " " + unit;
    }
}
