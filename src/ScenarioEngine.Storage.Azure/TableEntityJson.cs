using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Azure;

namespace ScenarioEngine.Storage.Azure;

/// <summary>Writes and reads entities in the Table service's OData JSON, with @odata.type annotations for the types JSON cannot carry.</summary>
internal static class TableEntityJson
{
    private const string TypeSuffix = "@odata.type";

    // Only what JSON requires is escaped: the service reads any UTF-8, and a payload of Japanese text or markup escaped as \uXXXX would
    // go over the wire at twice its size.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Serialize(TableEntity entity)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Serialize(entity, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the entity's JSON into <paramref name="buffer"/> (a transaction body writes each entity in place).</summary>
    public static void Serialize(TableEntity entity, IBufferWriter<byte> buffer)
    {
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("PartitionKey", entity.PartitionKey);
        writer.WriteString("RowKey", entity.RowKey);
        foreach (var (name, value) in entity.Properties)
        {
            WriteProperty(writer, name, value);
        }

        writer.WriteEndObject();
    }

    public static TableEntity Deserialize(JsonElement element)
    {
        var partitionKey = element.GetProperty("PartitionKey").GetString() ?? string.Empty;
        var rowKey = element.GetProperty("RowKey").GetString() ?? string.Empty;
        var entity = new TableEntity(partitionKey, rowKey);
        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name;
            if (name.StartsWith("odata.", StringComparison.Ordinal))
            {
                if (name == "odata.etag" && property.Value.ValueKind == JsonValueKind.String)
                {
                    entity.ETag = new ETag(property.Value.GetString()!);
                }

                continue;
            }

            if (name is "PartitionKey" or "RowKey" || name.Contains('@', StringComparison.Ordinal) ||
                property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var type = element.TryGetProperty(name + TypeSuffix, out var t) ? t.GetString() : null;
            if (name == "Timestamp")
            {
                type ??= "Edm.DateTime";
            }

            var value = ReadValue(name, type, property.Value);
            if (name == "Timestamp")
            {
                entity.Timestamp = value as DateTimeOffset?;
                continue;
            }

            entity.SetRead(name, value);
        }

        return entity;
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string s:
                writer.WriteString(name, s);
                break;
            case int i:
                writer.WriteNumber(name, i);
                break;
            case bool b:
                writer.WriteBoolean(name, b);
                break;
            case long l:
                writer.WriteString(name + TypeSuffix, "Edm.Int64");
                writer.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                writer.WriteString(name + TypeSuffix, "Edm.Double");
                if (double.IsNaN(d))
                {
                    writer.WriteString(name, "NaN");
                }
                else if (double.IsInfinity(d))
                {
                    writer.WriteString(name, d > 0 ? "Infinity" : "-Infinity");
                }
                else
                {
                    // A decimal point keeps whole numbers from being read as Int32 by services that infer types.
                    var text = d.ToString("R", CultureInfo.InvariantCulture);
                    if (!text.Contains('.', StringComparison.Ordinal) && !text.Contains('E', StringComparison.Ordinal))
                    {
                        text += ".0";
                    }

                    writer.WritePropertyName(name);
                    writer.WriteRawValue(text, skipInputValidation: true);
                }

                break;
            case DateTimeOffset dto:
                writer.WriteString(name + TypeSuffix, "Edm.DateTime");
                writer.WriteString(name, FormatDateTime(dto));
                break;
            case byte[] bytes:
                writer.WriteString(name + TypeSuffix, "Edm.Binary");
                writer.WriteString(name, Convert.ToBase64String(bytes));
                break;
            case Guid g:
                writer.WriteString(name + TypeSuffix, "Edm.Guid");
                writer.WriteString(name, g.ToString("D"));
                break;
            default:
                throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.");
        }
    }

    internal static string FormatDateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static object ReadValue(string name, string? type, JsonElement value)
    {
        try
        {
            return type switch
            {
                "Edm.Int64" => value.ValueKind == JsonValueKind.String
                    ? long.Parse(value.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture)
                    : value.GetInt64(),
                "Edm.Int32" => value.GetInt32(),
                "Edm.Double" => ReadDouble(value),
                "Edm.Boolean" => value.GetBoolean(),
                "Edm.DateTime" => ParseDateTime(value.GetString()!),
                "Edm.Binary" => Convert.FromBase64String(value.GetString()!),
                "Edm.Guid" => Guid.Parse(value.GetString()!),
                "Edm.String" => value.GetString()!,
                null => Infer(value),
                _ => throw new FormatException($"unknown type {type}"),
            };
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or OverflowException)
        {
            throw new FormatException($"Table property '{name}' of type {type ?? "(none)"} could not be read: {ex.Message}", ex);
        }
    }

    private static object Infer(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => IsWhole(value) && value.TryGetInt32(out var i) ? (object)i : value.GetDouble(),
        _ => throw new FormatException($"unexpected JSON {value.ValueKind}"),
    };

    private static bool IsWhole(JsonElement number)
    {
        var raw = number.GetRawText();
        return raw.IndexOfAny(['.', 'e', 'E']) < 0;
    }

    private static double ReadDouble(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDouble();
        }

        return value.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" or "INF" => double.PositiveInfinity,
            "-Infinity" or "-INF" => double.NegativeInfinity,
            var s => double.Parse(s!, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
    }

    private static DateTimeOffset ParseDateTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
