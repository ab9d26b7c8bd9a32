using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ScenarioEngine.Core.Machine;

namespace ScenarioEngine.Journeys.Json;

/// <summary>
/// The serializer options for the core types that travel in orchestration inputs, events and activity payloads (values, profiles,
/// instances, effects). Payload records carry them through <see cref="CoreJsonConverter{T}"/>, so any Durable Task data converter
/// using System.Text.Json's defaults (the in-memory test host, the shims, the Functions worker) reads them the same way.
/// </summary>
public static class JourneyJson
{
    /// <summary>The options.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { EffectsArePolymorphic } },
        };
        options.Converters.Add(new ValueJsonConverter());
        options.Converters.Add(new CustomerProfileJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }

    // Effect is a core type without [JsonDerivedType]: its subtypes are declared here, with their names as discriminators.
    private static void EffectsArePolymorphic(JsonTypeInfo info)
    {
        if (info.Type != typeof(Effect))
        {
            return;
        }

        info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "$effect" };
        foreach (var type in new[]
                 {
                     typeof(StepEntered), typeof(SendRequested), typeof(SendHeldOut), typeof(WakeScheduled), typeof(ProfileUpdated),
                     typeof(DecisionMade), typeof(Converted), typeof(Exited), typeof(Ignored),
                 })
        {
            info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, type.Name));
        }
    }
}
