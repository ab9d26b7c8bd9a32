using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>Reads and writes <see cref="Value"/> as plain JSON.</summary>
public sealed class ValueJsonConverter : JsonConverter<Value>
{
    /// <inheritdoc />
    public override Value Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // Token by token: this runs for every stored attribute and property, so no intermediate JsonDocument.
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return Value.From(true);
            case JsonTokenType.False:
                return Value.From(false);
            case JsonTokenType.Number:
                return Value.From(reader.GetDouble());
            case JsonTokenType.String:
                return Value.From(reader.GetString());
            case JsonTokenType.StartArray:
                var items = new List<Value>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(Read(ref reader, typeToConvert, options));
                }

                return Value.From(items);
            case JsonTokenType.StartObject:
                reader.Skip();
                return Value.Null;
            default:
                return Value.Null;
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Value value, JsonSerializerOptions options) => value.WriteTo(writer);
}

/// <summary>
/// Reads and writes <see cref="CustomerEvent"/> in the shape the serializer gave it ({"id","type","customerId","occurredAt","properties"}),
/// property by property. An events message holds up to 100 of them, and the serializer's path for a record of five constructor
/// parameters boxed each argument into an array per event.
/// </summary>
public sealed class CustomerEventJsonConverter : JsonConverter<CustomerEvent>
{
    private static readonly ValueJsonConverter Values = new();

    /// <inheritdoc />
    public override CustomerEvent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"expected an event object, found {reader.TokenType}");
        }

        string? id = null, type = null, customerId = null;
        DateTimeOffset occurredAt = default;
        Dictionary<string, Value>? properties = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var field = Field(ref reader);
            reader.Read();
            switch (field)
            {
                case 0:
                    id = reader.GetString();
                    break;
                case 1:
                    type = reader.GetString();
                    break;
                case 2:
                    customerId = reader.GetString();
                    break;
                case 3:
                    occurredAt = reader.GetDateTimeOffset();
                    break;
                case 4 when reader.TokenType == JsonTokenType.StartObject:
                    properties = new Dictionary<string, Value>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var key = reader.GetString()!;
                        reader.Read();
                        properties[key] = Values.Read(ref reader, typeof(Value), options);
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new CustomerEvent(id!, type!, customerId!, occurredAt, properties ?? (IReadOnlyDictionary<string, Value>)new Dictionary<string, Value>());
    }

    private static readonly string[] Names = ["id", "type", "customerId", "occurredAt", "properties"];
    private static readonly byte[][] Utf8Names = [.. Names.Select(System.Text.Encoding.UTF8.GetBytes)];

    // The field a property name stands for (-1: none): names as written compared without a string; other casings matched as the web
    // defaults match them, ignoring case.
    private static int Field(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < Utf8Names.Length; i++)
        {
            if (reader.ValueTextEquals(Utf8Names[i]))
            {
                return i;
            }
        }

        return OtherCasing(reader.GetString());
    }

    // Kept out of Field: a lambda capturing the name here made a closure object on every call, also for the names matched above.
    private static int OtherCasing(string? name)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, CustomerEvent value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        WriteText(writer, "id", value.Id);
        WriteText(writer, "type", value.Type);
        WriteText(writer, "customerId", value.CustomerId);
        writer.WriteString("occurredAt", value.OccurredAt);
        if (value.Properties is { } properties)
        {
            Codec.WriteValues(writer, "properties", properties);
        }

        writer.WriteEndObject();

        static void WriteText(Utf8JsonWriter writer, string name, string? text)
        {
            if (text is not null)
            {
                writer.WriteString(name, text);
            }
        }
    }
}

/// <summary>The stored form of a profile: the profile plus the recent send history used by frequency caps.</summary>
public sealed class ProfileDoc
{
    /// <summary>Attributes.</summary>
    public Dictionary<string, Value> Attributes { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Computed values.</summary>
    public Dictionary<string, Value> Computed { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Consent per medium.</summary>
    public Dictionary<string, bool> Consent { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Suppressed media with reasons.</summary>
    public Dictionary<string, string> Suppressed { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Tags.</summary>
    public List<string> Tags { get; set; } = [];
    /// <summary>IANA zone.</summary>
    public string? TimeZone { get; set; }
    /// <summary>Recent sends (all journeys), newest last.</summary>
    public List<SentMessage> Sends { get; set; } = [];
    /// <summary>Number of time-line rows written (their sequence).</summary>
    public long TimelineSeq { get; set; }
    /// <summary>The recent-event log read by count conditions (bounded; see <see cref="RecentEventLog"/>).</summary>
    public List<RecentEvent> Recent { get; set; } = [];

    /// <summary>
    /// Builds the domain profile, handing it this document's dictionaries and recent-event list rather than copies: a document is
    /// read to be turned into a profile, and <see cref="From"/> takes the profile's back before the row is written again.
    /// </summary>
    public CustomerProfile ToProfile(string customerId) =>
        new(customerId, Attributes, Computed, Consent, Suppressed, new(Tags, StringComparer.Ordinal), TimeZone, Recent);

    /// <summary>Copies a domain profile into the stored form, keeping the send history.</summary>
    public void From(CustomerProfile p)
    {
        Attributes = p.Attributes;
        Computed = p.Computed;
        Consent = p.Consent;
        Suppressed = p.Suppressed;
        // The document's own list, refilled in ordinal order (the profile has its own set: ToProfile copies it).
        var tags = Tags ?? [];
        tags.Clear();
        tags.AddRange(p.Tags);
        tags.Sort(StringComparer.Ordinal);
        Tags = tags;
        TimeZone = p.TimeZone;
        Recent = p.RecentEvents;
    }
}

/// <summary>The stored form of an instance: the state plus per-step counters for statistics.</summary>
public sealed class InstanceDoc
{
    /// <summary>The instance state.</summary>
    public required JourneyInstance State { get; set; }
    /// <summary>Counters by "step.metric" (entered, sent, heldOut, skipped, deferred, failed, unknown).</summary>
    public Dictionary<string, int> Counts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Adds one to a counter.</summary>
    public void Count(string step, string metric)
    {
        var key = step + "." + metric;
        Counts[key] = Counts.GetValueOrDefault(key) + 1;
    }
}

/// <summary>One time-line entry: an event, a message outcome, a journey transition or a decision.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string? JourneyId, string? StepId, string Text, IReadOnlyDictionary<string, string>? Data = null);

/// <summary>An events message: a pack of events, possibly of many customers.</summary>
public sealed record EventsMessage(IReadOnlyList<CustomerEvent> Events);

/// <summary>JSON options and row keys shared by the runtime.</summary>
public static class Codec
{
    /// <summary>The serializer options for stored rows and queue messages.</summary>
    public static readonly JsonSerializerOptions Json = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new ValueJsonConverter(), new CustomerEventJsonConverter(), new JsonStringEnumConverter() },
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Rows and queue messages are data at rest, never put into a page or a script: only what JSON itself requires is escaped
            // (quotes, backslashes, control characters). The default escaper writes every non-ASCII character as \uXXXX, six bytes
            // for the three of a Japanese character in UTF-8, which doubled the time-line rows that keep a message's text.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        // Source-generated metadata for the rows and messages on the hot path (no reflection per call); anything else falls back.
        options.TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(
            CodecContext.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver());
        return options;
    }

    /// <summary>Serializes.</summary>
    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Json);

    /// <summary>A row holding a value serialized straight to UTF-8 (no intermediate string; the in-memory store keeps the array as it is).</summary>
    public static StoredRow Row<T>(string partitionKey, string rowKey, T value, string? etag = null) =>
        StoredRow.FromUtf8(partitionKey, rowKey, JsonSerializer.SerializeToUtf8Bytes(value, Json), etag);

    /// <summary>Deserializes.</summary>
    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Json) ?? throw new JsonException($"empty {typeof(T).Name}");

    /// <summary>Deserializes a row's payload: from its UTF-8 when it holds that (the in-memory store's rows), else from its text.</summary>
    public static T Read<T>(StoredRow row) =>
        row.Utf8Array is { } utf8 ? JsonSerializer.Deserialize<T>(utf8, Json) ?? throw new JsonException($"empty {typeof(T).Name}") : Read<T>(row.Data);

    /// <summary>Writes values as a JSON object property; a <see cref="Dictionary{TKey, TValue}"/> is walked with its own enumerator (no boxed one per call).</summary>
    internal static void WriteValues(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, Value> values)
    {
        writer.WriteStartObject(name);
        if (values is Dictionary<string, Value> own)
        {
            foreach (var (key, value) in own)
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }
        }
        else
        {
            foreach (var (key, value) in values)
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>The profile row.</summary>
    public const string ProfileKey = "a|profile";

    /// <summary>Row-key prefix of instances.</summary>
    public const string InstancePrefix = "i|";


    /// <summary>Row-key prefix of the time line.</summary>
    public const string TimelinePrefix = "t|";

    /// <summary>Row-key prefix of processed-event markers.</summary>
    public const string MarkerPrefix = "x|";

    /// <summary>The hot rows (profile, instances) are read together: row keys from "a" up to, not including, "p".</summary>
    public const string HotFrom = "a";

    /// <summary>End of the hot range.</summary>
    public const string HotTo = "p";

    /// <summary>Makes text safe for a row key (no / \ # ? or control characters); long or unsafe text is hashed.</summary>
    public static string Safe(string text)
    {
        if (text.Length <= 200 && TableKeys.HasAllowedCharacters(text) && !text.Contains('|', StringComparison.Ordinal))
        {
            return text;
        }

        return "h" + StableHash.Hash(text).ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The instance row of a journey instance: "i|{journey}:{instance}", so a scan of "i|{journey}:" finds every instance of the journey
    /// (an id unfit for a key is hashed whole, as <see cref="Safe"/> does).
    /// </summary>
    public static string InstanceKey(string journeyId, string instanceId) =>
        InstancePrefix + (Safe(journeyId) == journeyId ? journeyId + ":" + Safe(instanceId) : Safe(journeyId + ":" + instanceId));


    /// <summary>The row key of an event marker.</summary>
    public static string MarkerKey(string eventId) => MarkerPrefix + Safe(eventId);

    /// <summary>The row key of a time-line row; newest first.</summary>
    public static string TimelineKey(long seq) => TimelinePrefix + (long.MaxValue - seq).ToString("D19", CultureInfo.InvariantCulture);
}

/// <summary>Source-generated serialization metadata for the runtime's stored rows and queue messages.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProfileDoc))]
[JsonSerializable(typeof(InstanceDoc))]
[JsonSerializable(typeof(List<TimelineEntry>))]
[JsonSerializable(typeof(MarkerDoc))]
[JsonSerializable(typeof(EventsMessage))]
[JsonSerializable(typeof(CustomerEvent))]
internal sealed partial class CodecContext : JsonSerializerContext;
