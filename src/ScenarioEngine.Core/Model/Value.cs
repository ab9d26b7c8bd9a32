using System.Globalization;
using System.Text.Json;

namespace ScenarioEngine.Core.Model;

/// <summary>The kind of a <see cref="Value"/>.</summary>
public enum ValueKind : byte
{
    /// <summary>No value (absent or JSON null).</summary>
    Null,
    /// <summary>true or false.</summary>
    Bool,
    /// <summary>A number (double precision).</summary>
    Number,
    /// <summary>A string, including ISO-8601 dates and times.</summary>
    String,
    /// <summary>A list of values.</summary>
    List,
}

/// <summary>An attribute, event property or computed value: a small immutable JSON-like scalar or list.</summary>
public readonly struct Value : IEquatable<Value>
{
    private readonly double _number;
    private readonly object? _ref;

    private Value(ValueKind kind, double number, object? reference)
    {
        Kind = kind;
        _number = number;
        _ref = reference;
    }

    /// <summary>The null value.</summary>
    public static Value Null => default;

    /// <summary>The kind of this value.</summary>
    public ValueKind Kind { get; }

    /// <summary>True when the value is null.</summary>
    public bool IsNull => Kind == ValueKind.Null;

    /// <summary>Makes a boolean value.</summary>
    public static Value From(bool value) => new(ValueKind.Bool, value ? 1 : 0, null);

    /// <summary>Makes a number value.</summary>
    public static Value From(double value) => new(ValueKind.Number, value, null);

    /// <summary>Makes a string value (null gives the null value).</summary>
    public static Value From(string? value) => value is null ? Null : new(ValueKind.String, 0, value);

    /// <summary>Makes a timestamp value, stored as an ISO-8601 string.</summary>
    public static Value From(DateTimeOffset value) => From(value.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>Makes a list value.</summary>
    public static Value From(IReadOnlyList<Value> items) => new(ValueKind.List, 0, items);

    /// <summary>The boolean, when <see cref="Kind"/> is Bool.</summary>
    public bool AsBool => Kind == ValueKind.Bool && _number != 0;

    /// <summary>The number, when <see cref="Kind"/> is Number.</summary>
    public double AsNumber => _number;

    /// <summary>The string, when <see cref="Kind"/> is String.</summary>
    public string? AsString => _ref as string;

    /// <summary>The items, when <see cref="Kind"/> is List; empty otherwise.</summary>
    public IReadOnlyList<Value> AsList => _ref as IReadOnlyList<Value> ?? [];

    /// <summary>Reads the value as a point in time: an ISO-8601 string, or a date (taken as midnight UTC).</summary>
    public bool TryGetTime(out DateTimeOffset time)
    {
        time = default;
        return Kind == ValueKind.String &&
               DateTimeOffset.TryParse(AsString, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    /// <summary>Reads the value as a number: a number, or a string holding one.</summary>
    public bool TryGetNumber(out double number)
    {
        number = _number;
        if (Kind == ValueKind.Number)
        {
            return true;
        }

        return Kind == ValueKind.String && double.TryParse(AsString, NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>Converts a JSON element into a value; objects are not values and give null.</summary>
    public static Value FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.True => From(true),
        JsonValueKind.False => From(false),
        JsonValueKind.Number => From(element.GetDouble()),
        JsonValueKind.String => From(element.GetString()),
        JsonValueKind.Array => From(element.EnumerateArray().Select(FromJson).ToArray()),
        _ => Null,
    };

    /// <summary>Writes the value as JSON.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case ValueKind.Bool: writer.WriteBooleanValue(AsBool); break;
            case ValueKind.Number: writer.WriteNumberValue(_number); break;
            case ValueKind.String: writer.WriteStringValue(AsString); break;
            case ValueKind.List:
                writer.WriteStartArray();
                foreach (var item in AsList)
                {
                    item.WriteTo(writer);
                }

                writer.WriteEndArray();
                break;
            default: writer.WriteNullValue(); break;
        }
    }

    /// <summary>Converts to a plain CLR object (bool, double, string, object list or null), for templates.</summary>
    public object? ToObject() => Kind switch
    {
        ValueKind.Bool => AsBool,
        ValueKind.Number => _number,
        ValueKind.String => AsString,
        ValueKind.List => AsList.Select(v => v.ToObject()).ToArray(),
        _ => null,
    };

    /// <inheritdoc />
    public bool Equals(Value other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }

        return Kind switch
        {
            ValueKind.Null => true,
            ValueKind.Bool or ValueKind.Number => _number.Equals(other._number),
            ValueKind.String => string.Equals(AsString, other.AsString, StringComparison.Ordinal),
            _ => AsList.SequenceEqual(other.AsList),
        };
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Value other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, _number, _ref is string s ? s.GetHashCode(StringComparison.Ordinal) : 0);

    /// <summary>Equality.</summary>
    public static bool operator ==(Value left, Value right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Value left, Value right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ValueKind.Null => "null",
        ValueKind.Bool => AsBool ? "true" : "false",
        ValueKind.Number => _number.ToString(CultureInfo.InvariantCulture),
        ValueKind.String => AsString!,
        _ => "[" + string.Join(", ", AsList) + "]",
    };
}
