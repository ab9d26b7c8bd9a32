using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Engine;

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

    /// <summary>
    /// A row holding <paramref name="value"/> as its document. The row takes it as it is: the caller hands it over and does not
    /// change it afterwards (every writer writes a document it read or made for the write, and drops it with the batch), and each
    /// reader gets a copy (<see cref="Read{T}(StoredRow)"/>). The JSON is written only if a provider asks for the row's text (the
    /// in-memory store never does).
    /// </summary>
    public static StoredRow Row<T>(string partitionKey, string rowKey, T value, string? etag = null)
        where T : class, IRowDocument<T>
    {
        ArgumentNullException.ThrowIfNull(value);
        return StoredRow.FromDocument(partitionKey, rowKey, new HeldDocument<T>(value), etag);
    }

    /// <summary>Deserializes.</summary>
    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Json) ?? throw new JsonException($"empty {typeof(T).Name}");

    /// <summary>
    /// A row's document for the caller to keep and change: a copy of the one the row holds when it holds a <typeparamref name="T"/>
    /// (as the in-memory store's rows do), else parsed from the row's text.
    /// </summary>
    public static T Read<T>(StoredRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Document is HeldDocument<T> held ? held.Copy() : Read<T>(row.Data);
    }

    /// <summary>
    /// A row's document for the caller to read and not change: the one the row holds when it holds a <typeparamref name="T"/> (shared
    /// with the row and every other viewer, so no copy), else parsed from the row's text. For readers that only look (ingest reading a
    /// customer's instances, counting statistics) or that build a new document from it for a write, sharing what they do not change.
    /// </summary>
    public static T View<T>(StoredRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Document is HeldDocument<T> held ? held.Value : Read<T>(row.Data);
    }

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
