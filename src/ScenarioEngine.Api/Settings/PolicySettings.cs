using System.Globalization;
using Microsoft.Extensions.Options;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Api.Settings;

/// <summary>The send policy and time settings (bound from the "Engine" section) that configure the runtime's <see cref="EngineOptions"/>.</summary>
public sealed class PolicySettings
{
    /// <summary>IANA zone for customers without one.</summary>
    public string DefaultTimeZone { get; set; } = "Asia/Tokyo";

    /// <summary>Quiet hours in the customer's local time, "HH:mm-HH:mm" (may span midnight); empty for none.</summary>
    public string QuietHours { get; set; } = "21:00-09:00";

    /// <summary>Frequency caps, comma-separated "medium:max/duration" with "*" for all media, e.g. "email:1/P1D,*:3/P7D"; empty for none.</summary>
    public string Caps { get; set; } = "*:3/P1D";

    /// <summary>What to do over a cap: skip (default) or defer.</summary>
    public string OverCap { get; set; } = "skip";

    /// <summary>How often the analytics job (RFM, BG/NBD, segment entry) runs.</summary>
    public TimeSpan AnalyticsInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Parses the quiet hours; null for none; false when malformed.</summary>
    public bool TryGetQuietHours(out QuietHours? quiet)
    {
        quiet = null;
        if (string.IsNullOrWhiteSpace(QuietHours))
        {
            return true;
        }

        var parts = QuietHours.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !LocalTime.TryParseTimeOfDay(parts[0], out var start) || !LocalTime.TryParseTimeOfDay(parts[1], out var end) || start == end)
        {
            return false;
        }

        quiet = new QuietHours(start, end);
        return true;
    }

    /// <summary>Parses the caps; false when any is malformed.</summary>
    public bool TryGetCaps(out List<FrequencyCap> caps)
    {
        caps = [];
        foreach (var item in Caps.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = item.IndexOf(':', StringComparison.Ordinal);
            var slash = item.IndexOf('/', StringComparison.Ordinal);
            if (colon <= 0 || slash < colon + 2)
            {
                return false;
            }

            var medium = item[..colon];
            if (medium != "*" && !Medium.All.Contains(medium))
            {
                return false;
            }

            if (!int.TryParse(item[(colon + 1)..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max < 1 ||
                !IsoDuration.TryParse(item[(slash + 1)..], out var window) || window.Negative || window.IsZero)
            {
                return false;
            }

            caps.Add(new FrequencyCap(medium == "*" ? null : medium, max, window.Approximate));
        }

        return true;
    }
}

/// <summary>Applies <see cref="PolicySettings"/> to the runtime's options.</summary>
public sealed class ConfigurePolicy(IOptions<PolicySettings> settings) : IPostConfigureOptions<EngineOptions>
{
    /// <inheritdoc />
    public void PostConfigure(string? name, EngineOptions options)
    {
        var s = settings.Value;
        var zone = LocalTime.FindZone(s.DefaultTimeZone) ?? TimeZoneInfo.Utc;
        s.TryGetQuietHours(out var quiet);
        s.TryGetCaps(out var caps);
        options.Machine = new MachineSettings(zone);
        options.Policy = options.Policy with
        {
            DefaultTimeZone = zone,
            QuietHours = quiet,
            Caps = caps,
            OverCap = string.Equals(s.OverCap, "defer", StringComparison.OrdinalIgnoreCase) ? CapAction.Defer : CapAction.Skip,
        };
    }
}
