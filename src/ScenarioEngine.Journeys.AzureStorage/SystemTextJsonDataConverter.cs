using System.Text.Json;
using DurableTask.Core.Serializing;

namespace ScenarioEngine.Journeys.AzureStorage;

/// <summary>DurableTask.Core's client must write inputs and events the way the Microsoft.DurableTask shims read them: System.Text.Json.</summary>
internal sealed class SystemTextJsonDataConverter : DataConverter
{
    public override string Serialize(object value) => JsonSerializer.Serialize(value);

    public override string Serialize(object value, bool formatted) => JsonSerializer.Serialize(value);

    public override object Deserialize(string data, Type objectType) =>
        JsonSerializer.Deserialize(data, objectType) ?? throw new JsonException($"Expected a {objectType.Name}, got null.");
}
