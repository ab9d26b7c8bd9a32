using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Core.Language;

/// <summary>Reads a JSON document field by field, collecting every problem with its path instead of stopping at the first.</summary>
internal sealed partial class JsonWalker
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\z", RegexOptions.CultureInvariant)]
    internal static partial Regex IdPattern();

    /// <summary>The longest duration a journey may use.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(36_525);

    public List<ValidationError> Errors { get; } = [];

    public void Error(string path, string message) => Errors.Add(new ValidationError(path, message));

    public static string Child(string path, string name) =>
        IdPattern().IsMatch(name) && !name.Contains('.', StringComparison.Ordinal) ? $"{path}.{name}" : $"{path}['{name}']";

    public bool IsObject(JsonElement e, string path, string what)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        Error(path, $"expected {what} (a JSON object), found {Describe(e)}");
        return false;
    }

    public void OnlyKnown(JsonElement obj, string path, params string[] known)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (Array.IndexOf(known, p.Name) < 0)
            {
                Error(Child(path, p.Name), $"unknown property '{p.Name}'; expected one of: {string.Join(", ", known)}");
            }
        }
    }

    public static bool Has(JsonElement obj, string name) => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out _);

    public string? String(JsonElement obj, string path, string name, bool required, string expected = "a non-empty string")
    {
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Error(Child(path, name), $"is required: expected {expected}");
            }

            return null;
        }

        if (e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString()))
        {
            Error(Child(path, name), $"expected {expected}, found {Describe(e)}");
            return null;
        }

        return e.GetString();
    }

    public string? Id(JsonElement obj, string path, string name, bool required)
    {
        var s = String(obj, path, name, required, "an id (letters, digits, '-', '_' or '.', at most 100 characters)");
        if (s is not null && !IdPattern().IsMatch(s))
        {
            Error(Child(path, name), $"'{s}' is not a valid id: expected letters, digits, '-', '_' or '.', starting with a letter or digit");
            return null;
        }

        return s;
    }

    public double? Number(JsonElement obj, string path, string name, bool required, double min, double max)
    {
        if (!obj.TryGetProperty(name, out var e))
        {
            if (required)
            {
                Error(Child(path, name), $"is required: expected a number from {min} to {max}");
            }

            return null;
        }

        if (e.ValueKind != JsonValueKind.Number || e.GetDouble() < min || e.GetDouble() > max)
        {
            Error(Child(path, name), $"expected a number from {Fmt(min)} to {Fmt(max)}, found {Describe(e)}");
            return null;
        }

        return e.GetDouble();
    }

    public bool? Bool(JsonElement obj, string path, string name)
    {
        if (!obj.TryGetProperty(name, out var e))
        {
            return null;
        }

        if (e.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error(Child(path, name), $"expected true or false, found {Describe(e)}");
            return null;
        }

        return e.GetBoolean();
    }

    public IsoDuration? Duration(JsonElement obj, string path, string name, bool required, bool allowNegative = false, bool allowZero = false)
    {
        var s = String(obj, path, name, required, "an ISO-8601 duration such as P3D, PT2H or P1M");
        if (s is null)
        {
            return null;
        }

        var parsed = IsoDuration.TryParse(s, out var d);
        if (!parsed || (d.Negative && !allowNegative) || (d.IsZero && !allowZero) || d.Approximate.Duration() > MaxDuration)
        {
            var extra = !parsed ? "" : d.Negative && !allowNegative ? " (not negative)" : d.IsZero && !allowZero ? " (longer than zero)" : " (at most 100 years)";
            Error(Child(path, name), $"'{s}' is not a valid duration: expected an ISO-8601 duration such as P3D, PT2H or P1M{extra}");
            return null;
        }

        return d;
    }

    public TimeOnly? TimeOfDay(JsonElement obj, string path, string name, bool required)
    {
        var s = String(obj, path, name, required, "a local time of day HH:mm such as 10:00");
        if (s is null)
        {
            return null;
        }

        if (!LocalTime.TryParseTimeOfDay(s, out var t))
        {
            Error(Child(path, name), $"'{s}' is not a time of day: expected HH:mm such as 10:00");
            return null;
        }

        return t;
    }

    public string? TimeZone(JsonElement obj, string path, string name)
    {
        var s = String(obj, path, name, required: false, "an IANA time zone such as Asia/Tokyo");
        if (s is not null && LocalTime.FindZone(s) is null)
        {
            Error(Child(path, name), $"'{s}' is not a known IANA time zone: expected a name such as Asia/Tokyo or Europe/Berlin");
            return null;
        }

        return s;
    }

    public static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Truncate(e.GetString() ?? "")}\"",
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;

    private static string Fmt(double d) => d.ToString(CultureInfo.InvariantCulture);
}
