using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>Reads and writes a <see cref="TimelineRow"/> as the JSON array of its entries.</summary>
public sealed class TimelineRowJsonConverter : JsonConverter<TimelineRow>
{
    /// <inheritdoc />
    public override TimelineRow Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(JsonSerializer.Deserialize<List<TimelineEntry>>(ref reader, options) ?? throw new JsonException("expected an array of time-line entries, found null"));

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TimelineRow value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (var entry in value.Entries)
        {
            JsonSerializer.Serialize(writer, entry, options);
        }

        writer.WriteEndArray();
    }
}
