using System.Buffers;
using System.Text.Json;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>
/// Writes the rows every commit writes (profile, instance, outbox, time line) by hand, in exactly the serializer's shape for
/// <see cref="ProfileDoc"/>, <see cref="InstanceDoc"/>, <see cref="OutboxDoc"/> and a list of <see cref="TimelineEntry"/> (reading
/// stays with the serializer). The serializer's path allocated a frame stack per call for the nested objects, dictionaries and lists
/// and an enumerator per dictionary, and walked its metadata per property; <c>RowWriterTests</c> pins the bytes against the
/// serializer's and the property lists, so a property added to a row type cannot be dropped silently.
/// </summary>
internal static class RowWriter
{
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _scratch;

    /// <summary>The profile row as UTF-8 JSON, in a new array of its exact length.</summary>
    public static byte[] ToUtf8(ProfileDoc doc) => ToUtf8(doc, Write);

    /// <summary>The instance row as UTF-8 JSON.</summary>
    public static byte[] ToUtf8(InstanceDoc doc) => ToUtf8(doc, Write);

    /// <summary>The outbox row as UTF-8 JSON.</summary>
    public static byte[] ToUtf8(OutboxDoc doc) => ToUtf8(doc, Write);

    /// <summary>A time-line row (the entries of one commit) as UTF-8 JSON.</summary>
    public static byte[] ToUtf8(List<TimelineEntry> entries) => ToUtf8(entries, Write);

    /// <summary>A profile row.</summary>
    public static StoredRow Row(string customerId, string key, ProfileDoc doc, string? etag = null) => StoredRow.FromUtf8(customerId, key, ToUtf8(doc), etag);

    /// <summary>An instance row.</summary>
    public static StoredRow Row(string customerId, string key, InstanceDoc doc, string? etag = null) => StoredRow.FromUtf8(customerId, key, ToUtf8(doc), etag);

    /// <summary>An outbox row.</summary>
    public static StoredRow Row(string customerId, string key, OutboxDoc doc, string? etag = null) => StoredRow.FromUtf8(customerId, key, ToUtf8(doc), etag);

    /// <summary>A time-line row.</summary>
    public static StoredRow Row(string customerId, string key, List<TimelineEntry> entries) => StoredRow.FromUtf8(customerId, key, ToUtf8(entries));

    private static byte[] ToUtf8<T>(T doc, Action<Utf8JsonWriter, T> write)
    {
        var (buffer, writer) = _scratch ??= Create();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        write(writer, doc);
        writer.Flush();
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024)
        {
            _scratch = null; // one huge row does not pin a huge buffer to the thread
        }

        return bytes;

        static (ArrayBufferWriter<byte>, Utf8JsonWriter) Create()
        {
            var b = new ArrayBufferWriter<byte>(1024);
            return (b, new Utf8JsonWriter(b, new JsonWriterOptions { Encoder = Codec.Json.Encoder, SkipValidation = true }));
        }
    }

    private static void Write(Utf8JsonWriter w, ProfileDoc doc)
    {
        w.WriteStartObject();
        if (doc.Attributes is { } attributes)
        {
            Codec.WriteValues(w, "attributes", attributes);
        }

        if (doc.Computed is { } computed)
        {
            Codec.WriteValues(w, "computed", computed);
        }

        if (doc.Consent is { } consent)
        {
            w.WriteStartObject("consent");
            foreach (var (key, value) in consent)
            {
                w.WriteBoolean(key, value);
            }

            w.WriteEndObject();
        }

        if (doc.Suppressed is { } suppressed)
        {
            w.WriteStartObject("suppressed");
            foreach (var (key, value) in suppressed)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }

        if (doc.Tags is { } tags)
        {
            w.WriteStartArray("tags");
            foreach (var tag in tags)
            {
                w.WriteStringValue(tag);
            }

            w.WriteEndArray();
        }

        if (doc.TimeZone is { } zone)
        {
            w.WriteString("timeZone", zone);
        }

        if (doc.Sends is { } sends)
        {
            w.WriteStartArray("sends");
            foreach (var send in sends)
            {
                WriteSend(w, send);
            }

            w.WriteEndArray();
        }

        w.WriteNumber("timelineSeq", doc.TimelineSeq);
        if (doc.Recent is { } recent)
        {
            w.WriteStartArray("recent");
            foreach (var e in recent)
            {
                WriteRecent(w, e);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void WriteSend(Utf8JsonWriter w, SentMessage send)
    {
        w.WriteStartObject();
        if (send.Medium is { } medium)
        {
            w.WriteString("medium", medium);
        }

        w.WriteString("sentAt", send.SentAt);
        w.WriteBoolean("transactional", send.Transactional);
        w.WriteEndObject();
    }

    private static void WriteRecent(Utf8JsonWriter w, RecentEvent? e)
    {
        if (e is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        if (e.Id is { } id)
        {
            w.WriteString("id", id);
        }

        if (e.Type is { } type)
        {
            w.WriteString("type", type);
        }

        w.WriteString("at", e.At);
        if (e.Properties is { } properties)
        {
            Codec.WriteValues(w, "properties", properties);
        }

        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, InstanceDoc doc)
    {
        w.WriteStartObject();
        if (doc.State is { } state)
        {
            w.WritePropertyName("state");
            Write(w, state);
        }

        if (doc.Counts is { } counts)
        {
            w.WriteStartObject("counts");
            foreach (var (key, value) in counts)
            {
                w.WriteNumber(key, value);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, JourneyInstance i)
    {
        w.WriteStartObject();
        WriteIfNotNull(w, "instanceId", i.InstanceId);
        WriteIfNotNull(w, "journeyId", i.JourneyId);
        w.WriteNumber("version", i.Version);
        WriteIfNotNull(w, "customerId", i.CustomerId);
        w.WriteString("status", EnumName(i.Status));
        WriteIfNotNull(w, "step", i.Step);
        w.WriteNumber("seq", i.Seq);
        WriteIfNotNull(w, "wakeAt", i.WakeAt);
        w.WriteString("enteredAt", i.EnteredAt);
        w.WriteString("stepEnteredAt", i.StepEnteredAt);
        WriteIfNotNull(w, "exitedAt", i.ExitedAt);
        WriteIfNotNull(w, "exitReason", i.ExitReason);
        w.WriteBoolean("holdout", i.Holdout);
        WriteIfNotNull(w, "variant", i.Variant);
        WriteIfNotNull(w, "goalDeadline", i.GoalDeadline);
        WriteIfNotNull(w, "convertedAt", i.ConvertedAt);
        if (i.Trigger is { } trigger)
        {
            Codec.WriteValues(w, "trigger", trigger);
        }

        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, OutboxDoc o)
    {
        w.WriteStartObject();
        WriteIfNotNull(w, "key", o.Key);
        WriteIfNotNull(w, "instanceRowKey", o.InstanceRowKey);
        WriteIfNotNull(w, "journeyId", o.JourneyId);
        w.WriteNumber("version", o.Version);
        WriteIfNotNull(w, "stepId", o.StepId);
        WriteIfNotNull(w, "medium", o.Medium);
        WriteIfNotNull(w, "message", o.Message);
        w.WriteBoolean("transactional", o.Transactional);
        w.WriteString("status", EnumName(o.Status));
        w.WriteString("notBefore", o.NotBefore);
        w.WriteString("createdAt", o.CreatedAt);
        WriteIfNotNull(w, "leaseUntil", o.LeaseUntil);
        WriteIfNotNull(w, "claimedAt", o.ClaimedAt);
        w.WriteNumber("attempts", o.Attempts);
        w.WriteBoolean("deferCounted", o.DeferCounted);
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, List<TimelineEntry> entries)
    {
        w.WriteStartArray();
        foreach (var e in entries)
        {
            if (e is null)
            {
                w.WriteNullValue();
                continue;
            }

            w.WriteStartObject();
            w.WriteString("at", e.At);
            WriteIfNotNull(w, "kind", e.Kind);
            WriteIfNotNull(w, "journeyId", e.JourneyId);
            WriteIfNotNull(w, "stepId", e.StepId);
            WriteIfNotNull(w, "text", e.Text);
            if (e.Data is { } data)
            {
                w.WriteStartObject("data");
                foreach (var (key, value) in data)
                {
                    w.WriteString(key, value); // a null value is written as null, as the serializer writes a dictionary's nulls
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteIfNotNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteIfNotNull(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, v);
        }
    }

    // The enum converter writes a member's name; the engine makes no other values.
    private static string EnumName(InstanceStatus value) => value switch
    {
        InstanceStatus.Active => nameof(InstanceStatus.Active),
        InstanceStatus.Exited => nameof(InstanceStatus.Exited),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "not an instance status"),
    };

    private static string EnumName(OutboxStatus value) => value switch
    {
        OutboxStatus.Pending => nameof(OutboxStatus.Pending),
        OutboxStatus.Deferred => nameof(OutboxStatus.Deferred),
        OutboxStatus.Sending => nameof(OutboxStatus.Sending),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "not an outbox status"),
    };
}
