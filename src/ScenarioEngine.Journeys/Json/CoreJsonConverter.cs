using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScenarioEngine.Journeys.Json;

/// <summary>Serializes a property of a core type with <see cref="JourneyJson.Options"/>, whatever options the outer serializer uses.</summary>
/// <typeparam name="T">The core type.</typeparam>
public sealed class CoreJsonConverter<T> : JsonConverter<T>
{
    /// <inheritdoc />
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<T>(ref reader, JourneyJson.Options);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, JourneyJson.Options);
}
