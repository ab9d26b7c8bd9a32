using System.Text.Json;
using System.Text.Json.Serialization;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Journeys.Json;

/// <summary>Reads and writes a <see cref="CustomerProfile"/> (which has no constructor System.Text.Json can pick) through a record of the same shape.</summary>
public sealed class CustomerProfileJsonConverter : JsonConverter<CustomerProfile>
{
    /// <inheritdoc />
    public override CustomerProfile Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var shape = JsonSerializer.Deserialize<ProfileShape>(ref reader, options)
            ?? throw new JsonException("A customer profile was null.");
        if (string.IsNullOrEmpty(shape.CustomerId))
        {
            throw new JsonException("A customer profile has no customerId (expected a non-empty string).");
        }

        return new CustomerProfile(
            shape.CustomerId,
            new(shape.Attributes ?? [], StringComparer.Ordinal),
            new(shape.Computed ?? [], StringComparer.Ordinal),
            new(shape.Consent ?? [], StringComparer.Ordinal),
            new(shape.Suppressed ?? [], StringComparer.Ordinal),
            new(shape.Tags ?? [], StringComparer.Ordinal),
            shape.TimeZone,
            shape.RecentEvents ?? []);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, CustomerProfile value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        var shape = new ProfileShape(value.CustomerId, value.Attributes, value.Computed, value.Consent, value.Suppressed, value.Tags, value.TimeZone, value.RecentEvents);
        JsonSerializer.Serialize(writer, shape, options);
    }

    private sealed record ProfileShape(
        string CustomerId,
        Dictionary<string, Value>? Attributes,
        Dictionary<string, Value>? Computed,
        Dictionary<string, bool>? Consent,
        Dictionary<string, string>? Suppressed,
        HashSet<string>? Tags,
        string? TimeZone,
        List<RecentEvent>? RecentEvents);
}
