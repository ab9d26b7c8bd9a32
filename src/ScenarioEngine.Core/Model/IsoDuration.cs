using System.Globalization;
using System.Text.RegularExpressions;

namespace ScenarioEngine.Core.Model;

/// <summary>An ISO-8601 duration such as P3D, PT2H30M, P1M or -P3D; calendar parts (years, months) are added on the calendar.</summary>
public readonly partial record struct IsoDuration(bool Negative, int Years, int Months, int Days, TimeSpan Time)
{
    [GeneratedRegex(@"^(-)?P(?:([0-9]{1,9})Y)?(?:([0-9]{1,9})M)?(?:([0-9]{1,9})W)?(?:([0-9]{1,9})D)?(?:T(?:([0-9]{1,9})H)?(?:([0-9]{1,9})M)?(?:([0-9]{1,12}(?:\.[0-9]{1,7})?)S)?)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Parses an ISO-8601 duration; false when the text is not one (or is empty, like "P" or "PT").</summary>
    public static bool TryParse(string? text, out IsoDuration duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text) || text.EndsWith('T') || text is "P" or "-P")
        {
            return false;
        }

        var m = Pattern().Match(text);
        if (!m.Success)
        {
            return false;
        }

        static long Int(Group g) => g.Success ? long.Parse(g.Value, CultureInfo.InvariantCulture) : 0;
        var seconds = m.Groups[8].Success ? double.Parse(m.Groups[8].Value, CultureInfo.InvariantCulture) : 0;
        var days = Int(m.Groups[4]) * 7 + Int(m.Groups[5]);
        var totalSeconds = Int(m.Groups[6]) * 3600.0 + Int(m.Groups[7]) * 60.0 + seconds;

        // Anything beyond about 10,000 years is not a duration a journey can use (and would overflow the calendar).
        if (Int(m.Groups[2]) > 10_000 || Int(m.Groups[3]) > 120_000 || days > 3_660_000 || totalSeconds > 316_000_000_000)
        {
            return false;
        }

        duration = new IsoDuration(m.Groups[1].Success, (int)Int(m.Groups[2]), (int)Int(m.Groups[3]), (int)days, TimeSpan.FromSeconds(totalSeconds));
        return true;
    }

    /// <summary>Parses an ISO-8601 duration or throws <see cref="FormatException"/>.</summary>
    public static IsoDuration Parse(string text) =>
        TryParse(text, out var d) ? d : throw new FormatException($"'{text}' is not an ISO-8601 duration such as P3D or PT2H.");

    /// <summary>True when the duration is zero.</summary>
    public bool IsZero => Years == 0 && Months == 0 && Days == 0 && Time == TimeSpan.Zero;

    /// <summary>Adds the duration to a point in time (subtracts when negative).</summary>
    public DateTimeOffset AddTo(DateTimeOffset time)
    {
        var sign = Negative ? -1 : 1;
        return time.AddYears(sign * Years).AddMonths(sign * Months).AddDays(sign * Days).Add(Negative ? -Time : Time);
    }

    /// <summary>Subtracts the duration from a point in time.</summary>
    public DateTimeOffset SubtractFrom(DateTimeOffset time) => (this with { Negative = !Negative }).AddTo(time);

    /// <summary>An approximate length (a month as 30 days, a year as 365), for ordering and limits only.</summary>
    public TimeSpan Approximate => (Negative ? -1 : 1) * (TimeSpan.FromDays(Years * 365 + Months * 30 + Days) + Time);

    /// <inheritdoc />
    public override string ToString()
    {
        var s = (Negative ? "-" : "") + "P" + (Years > 0 ? $"{Years}Y" : "") + (Months > 0 ? $"{Months}M" : "") + (Days > 0 ? $"{Days}D" : "");
        if (Time > TimeSpan.Zero)
        {
            s += "T" + (Time.Hours + Time.Days * 24 > 0 ? $"{Time.Hours + Time.Days * 24}H" : "") + (Time.Minutes > 0 ? $"{Time.Minutes}M" : "") +
                 (Time.Seconds > 0 || Time.Milliseconds > 0 ? $"{(Time.Seconds + Time.Milliseconds / 1000.0).ToString(CultureInfo.InvariantCulture)}S" : "");
        }

        return s == "P" ? "PT0S" : s;
    }
}
