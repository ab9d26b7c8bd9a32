using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ScenarioEngine.Runtime.Integration;

/// <summary>
/// The integration events' JSON (schema version <see cref="IntegrationEvent.SchemaVersion"/>): camelCase fields in a fixed order,
/// absent fields left out, times in UTC ISO 8601. Specified by docs/integration-events.md and schemas/integration-event.schema.json.
/// </summary>
public static class IntegrationEventJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The event as UTF-8 JSON.</summary>
    public static byte[] ToUtf8(IntegrationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", IntegrationEvent.SchemaVersion);
            w.WriteString("id", e.Id);
            w.WriteString("type", e.Type);
            w.WriteString("occurredAt", e.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("customerId", e.CustomerId);
            Optional(w, "journeyId", e.JourneyId);
            if (e.Version is { } version)
            {
                w.WriteNumber("version", version);
            }

            Optional(w, "instanceId", e.InstanceId);
            Optional(w, "stepId", e.StepId);
            Optional(w, "medium", e.Medium);
            Optional(w, "messageId", e.MessageId);
            Optional(w, "sendKey", e.SendKey);
            Optional(w, "providerMessageId", e.ProviderMessageId);
            Optional(w, "reason", e.Reason);
            Optional(w, "segmentId", e.SegmentId);
            Optional(w, "causeEventId", e.CauseEventId);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
