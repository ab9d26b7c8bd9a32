using System.Text.Json;
using System.Text.Json.Serialization;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>Reads and writes <see cref="Value"/> as plain JSON.</summary>
public sealed class ValueJsonConverter : JsonConverter<Value>
{
    /// <inheritdoc />
    public override Value Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // Token by token: this runs for every stored attribute and property, so no intermediate JsonDocument.
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return Value.From(true);
            case JsonTokenType.False:
                return Value.From(false);
            case JsonTokenType.Number:
                return Value.From(reader.GetDouble());
            case JsonTokenType.String:
                return Value.From(reader.GetString());
            case JsonTokenType.StartArray:
                var items = new List<Value>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(Read(ref reader, typeToConvert, options));
                }

                return Value.From(items);
            case JsonTokenType.StartObject:
                reader.Skip();
                return Value.Null;
            default:
                return Value.Null;
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Value value, JsonSerializerOptions options) => value.WriteTo(writer);
}
