using System.Text.Json;
using System.Text.Json.Serialization;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>
/// Reads and writes <see cref="CustomerEvent"/> in the shape the serializer gave it ({"id","type","customerId","occurredAt","properties"}),
/// property by property. An events message holds up to 100 of them, and the serializer's path for a record of five constructor
/// parameters boxed each argument into an array per event.
/// </summary>
public sealed class CustomerEventJsonConverter : JsonConverter<CustomerEvent>
{
    private static readonly ValueJsonConverter Values = new();

    /// <inheritdoc />
    public override CustomerEvent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"expected an event object, found {reader.TokenType}");
        }

        string? id = null, type = null, customerId = null;
        DateTimeOffset occurredAt = default;
        Dictionary<string, Value>? properties = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var field = Field(ref reader);
            reader.Read();
            switch (field)
            {
                case 0:
                    id = reader.GetString();
                    break;
                case 1:
                    type = reader.GetString();
                    break;
                case 2:
                    customerId = reader.GetString();
                    break;
                case 3:
                    occurredAt = reader.GetDateTimeOffset();
                    break;
                case 4 when reader.TokenType == JsonTokenType.StartObject:
                    properties = new Dictionary<string, Value>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var key = reader.GetString()!;
                        reader.Read();
                        properties[key] = Values.Read(ref reader, typeof(Value), options);
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new CustomerEvent(id!, type!, customerId!, occurredAt, properties ?? (IReadOnlyDictionary<string, Value>)new Dictionary<string, Value>());
    }

    private static readonly string[] Names = ["id", "type", "customerId", "occurredAt", "properties"];
    private static readonly byte[][] Utf8Names = [.. Names.Select(System.Text.Encoding.UTF8.GetBytes)];

    // The field a property name stands for (-1: none): names as written compared without a string; other casings matched as the web
    // defaults match them, ignoring case.
    private static int Field(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < Utf8Names.Length; i++)
        {
            if (reader.ValueTextEquals(Utf8Names[i]))
            {
                return i;
            }
        }

        return OtherCasing(reader.GetString());
    }

    // Kept out of Field: a lambda capturing the name here made a closure object on every call, also for the names matched above.
    private static int OtherCasing(string? name)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, CustomerEvent value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        WriteText(writer, "id", value.Id);
        WriteText(writer, "type", value.Type);
        WriteText(writer, "customerId", value.CustomerId);
        writer.WriteString("occurredAt", value.OccurredAt);
        if (value.Properties is { } properties)
        {
            Codec.WriteValues(writer, "properties", properties);
        }

        writer.WriteEndObject();

        static void WriteText(Utf8JsonWriter writer, string name, string? text)
        {
            if (text is not null)
            {
                writer.WriteString(name, text);
            }
        }
    }
}
