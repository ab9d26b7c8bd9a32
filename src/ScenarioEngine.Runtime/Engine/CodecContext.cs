using System.Text.Json;
using System.Text.Json.Serialization;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>Source-generated serialization metadata for the runtime's stored rows and queue messages.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProfileDoc))]
[JsonSerializable(typeof(InstanceDoc))]
[JsonSerializable(typeof(List<TimelineEntry>))]
[JsonSerializable(typeof(TimelineRow))]
[JsonSerializable(typeof(MarkerDoc))]
[JsonSerializable(typeof(EventsMessage))]
[JsonSerializable(typeof(CustomerEvent))]
internal sealed partial class CodecContext : JsonSerializerContext;
