using System.Text.Json.Serialization;

namespace ScenarioEngine.Api.Requests;

/// <summary>Source-generated System.Text.Json metadata of the request bodies bound to records (names camelCase, matched exactly).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(SimulationRequest))]
[JsonSerializable(typeof(PreviewRequest))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
