using System.Buffers;
using System.Text.Json;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>
/// Writes the profile row by hand, in exactly the serializer's shape for <see cref="ProfileDoc"/> (reading stays with the serializer).
/// Every batch the engine commits rewrites the profile, and the serializer's path allocated a frame stack per call for the nested
/// dictionaries and lists and an enumerator per dictionary; <c>ProfileDocWriterTests</c> pins the bytes against the serializer's.
/// </summary>
internal static class ProfileDocWriter
{
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _scratch;

    /// <summary>The profile as UTF-8 JSON, in a new array of its exact length.</summary>
    public static byte[] ToUtf8(ProfileDoc doc)
    {
        var (buffer, writer) = _scratch ??= Create();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        Write(writer, doc);
        writer.Flush();
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024)
        {
            _scratch = null; // one huge profile does not pin a huge buffer to the thread
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
}
