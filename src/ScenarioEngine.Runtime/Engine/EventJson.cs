using System.Globalization;
using System.Text.Json;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>Reads events in the engine's JSON format: {"id"?, "type", "customerId", "occurredAt", "properties"?}; nested properties are flattened with dots.</summary>
public static class EventJson
{
    private static readonly string[] Known = ["id", "type", "customerId", "occurredAt", "properties"];

    /// <summary>The most bytes one event may take as queued (its JSON with flattened properties), so it fits a 64 KiB queue message.</summary>
    public const int MaxEventBytes = 32 * 1024;

    /// <summary>How far ahead of its receipt an event's occurredAt may be (clock skew between a shop and the engine).</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromDays(1);

    /// <summary>
    /// Parses one event; every problem is reported with its path. A missing id is made from <paramref name="fallbackId"/>. With
    /// <paramref name="receivedAt"/> (events arriving live), a missing occurredAt is that moment and an occurredAt more than
    /// <see cref="MaxFutureSkew"/> after it is refused; without it (files of past events) occurredAt is required.
    /// </summary>
    public static (CustomerEvent? Event, IReadOnlyList<ValidationError> Errors) Parse(JsonElement e, string path, string fallbackId, DateTimeOffset? receivedAt = null)
    {
        var errors = new List<ValidationError>();
        if (e.ValueKind != JsonValueKind.Object)
        {
            return (null, [new ValidationError(path, $"expected an event object, found {e.ValueKind.ToString().ToLowerInvariant()}")]);
        }

        foreach (var p in e.EnumerateObject())
        {
            if (Array.IndexOf(Known, p.Name) < 0)
            {
                errors.Add(new ValidationError($"{path}.{p.Name}", $"unknown field '{p.Name}'; expected one of: {string.Join(", ", Known)}"));
            }
        }

        string? Text(string name, bool required)
        {
            if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    errors.Add(new ValidationError($"{path}.{name}", "is required: expected a non-empty string"));
                }

                return null;
            }

            if (v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()) || v.GetString()!.Length > 256)
            {
                errors.Add(new ValidationError($"{path}.{name}", "expected a non-empty string of at most 256 characters"));
                return null;
            }

            return v.GetString();
        }

        var id = Text("id", required: false) ?? fallbackId;
        var type = Text("type", required: true);
        var customer = Text("customerId", required: true);
        var at = Text("occurredAt", required: receivedAt is null);
        var occurredAt = receivedAt ?? default;
        if (at is not null && !DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out occurredAt))
        {
            errors.Add(new ValidationError($"{path}.occurredAt", $"'{at}' is not an ISO-8601 date and time such as 2026-01-05T10:00:00+09:00"));
        }
        else if (at is not null && receivedAt is { } received && occurredAt - received > MaxFutureSkew)
        {
            errors.Add(new ValidationError($"{path}.occurredAt",
                $"'{at}' is more than 1 day (24 hours) after the event was received ({received.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}): " +
                "an event may be stamped at most 1 day in the future; omit occurredAt to use the time of receipt"));
        }

        var properties = new Dictionary<string, Value>(StringComparer.Ordinal);
        if (e.TryGetProperty("properties", out var props) && props.ValueKind != JsonValueKind.Null)
        {
            if (props.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new ValidationError($"{path}.properties", "expected an object of property values"));
            }
            else
            {
                Flatten(props, "", $"{path}.properties", properties, errors);
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var parsed = new CustomerEvent(id, type!, customer!, occurredAt, properties);
        return CheckSize(parsed, path) is { } tooLarge ? (null, [tooLarge]) : (parsed, errors);
    }

    /// <summary>
    /// A property value: null for an object (flattened by the caller), otherwise the value; a number beyond the range of a double
    /// (such as 1e400), anywhere in it, is reported at <paramref name="path"/> and gives null.
    /// </summary>
    public static Value? PropertyValue(JsonElement value, string path, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!IsFinite(value))
        {
            errors.Add(new ValidationError(path, "a number beyond ±1.7976931348623157E+308 (the range of a double)"));
            return null;
        }

        return Value.FromJson(value);
    }

    /// <summary>The event's size as queued, refused beyond <see cref="MaxEventBytes"/>; null when it fits.</summary>
    public static ValidationError? CheckSize(CustomerEvent e, string path)
    {
        ArgumentNullException.ThrowIfNull(e);
        // An upper bound first (6 bytes per character covers \u escapes), so ordinary events are never serialised twice.
        if (Bound(e) <= MaxEventBytes)
        {
            return null;
        }

        var size = JsonSerializer.SerializeToUtf8Bytes(e, Codec.Json).Length;
        return size <= MaxEventBytes
            ? null
            : new ValidationError(path, $"the event takes {size.ToString("N0", CultureInfo.InvariantCulture)} bytes as queued (properties flattened); " +
                                        $"an event holds at most {MaxEventBytes.ToString("N0", CultureInfo.InvariantCulture)}: send large data elsewhere and refer to it");
    }

    private static long Bound(CustomerEvent e) =>
        200 + 6L * (e.Id.Length + e.Type.Length + e.CustomerId.Length) + e.Properties.Sum(p => 6L * p.Key.Length + 8 + Bound(p.Value));

    private static long Bound(Value v) => v.Kind switch
    {
        ValueKind.String => 2 + 6L * v.AsString!.Length,
        ValueKind.List => 2 + v.AsList.Sum(i => 1 + Bound(i)),
        _ => 32,
    };

    private static bool IsFinite(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => double.IsFinite(value.GetDouble()),
        JsonValueKind.Array => value.EnumerateArray().All(IsFinite),
        _ => true,
    };

    private static void Flatten(JsonElement obj, string prefix, string path, Dictionary<string, Value> into, List<ValidationError> errors)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Object)
            {
                Flatten(p.Value, prefix + p.Name + ".", path, into, errors);
            }
            else if (PropertyValue(p.Value, $"{path}.{prefix}{p.Name}", errors) is { } value)
            {
                into[prefix + p.Name] = value;
            }
        }
    }

    /// <summary>Reads a JSON-lines file of events; blank lines are skipped; errors carry the line number.</summary>
    public static (List<CustomerEvent> Events, List<ValidationError> Errors) ReadLines(TextReader reader, string source)
    {
        var events = new List<CustomerEvent>();
        var errors = new List<ValidationError>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(line);
                var (e, errs) = Parse(doc.RootElement, $"{source}:{lineNumber}", $"{source}:{lineNumber}");
                if (e is not null)
                {
                    events.Add(e);
                }

                errors.AddRange(errs);
            }
            catch (JsonException ex)
            {
                errors.Add(new ValidationError($"{source}:{lineNumber}", "not valid JSON: " + ex.Message));
            }
        }

        return (events, errors);
    }
}
