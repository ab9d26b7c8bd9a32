using System.Text.Json;
using System.Text.Json.Serialization;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Journeys.Json;

/// <summary>Reads and writes a core <see cref="Value"/> as the JSON scalar or list it stands for.</summary>
public sealed class ValueJsonConverter : JsonConverter<Value>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override Value Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return Value.FromJson(document.RootElement);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Value value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        value.WriteTo(writer);
    }
}
