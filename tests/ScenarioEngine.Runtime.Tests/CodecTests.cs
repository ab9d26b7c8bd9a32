using System.Text.Json;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>How rows are written: UTF-8 as the codec writes them, escaping only what JSON requires.</summary>
public sealed class CodecTests
{
    [Fact]
    public void Row_JapaneseAndHtml_StoredAsTheyAreAndReadBack()
    {
        var at = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.FromHours(9));
        var entry = new TimelineEntry(at, "message", "j", "s", "ご注文ありがとうございます", new Dictionary<string, string> { ["html"] = "<p>\"様\" & 'co'</p>\n" });

        var row = new StoredRow("c1", Codec.TimelineKey(1), Codec.Write(new List<TimelineEntry> { entry }));

        // Three UTF-8 bytes a Japanese character (not a six-byte \uXXXX), markup and '+' unescaped; quotes and newlines escaped as JSON requires.
        Assert.Contains("ご注文ありがとうございます", row.Data, StringComparison.Ordinal);
        Assert.Contains("<p>\\\"様\\\" & 'co'</p>\\n", row.Data, StringComparison.Ordinal);
        Assert.Contains("+09:00", row.Data, StringComparison.Ordinal);
        var back = Assert.Single(Codec.Read<List<TimelineEntry>>(row));
        Assert.Equal((entry.At, entry.Text, entry.Data!["html"]), (back.At, back.Text, back.Data!["html"]));
    }

    [Fact]
    public void Row_Value_HoldsTheSerializersUtf8AndTheSameTextAsWrite()
    {
        var entries = new List<TimelineEntry> { new(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.FromHours(9)), "event", null, null, "購入") };

        var row = Codec.Row("c1", Codec.TimelineKey(1), entries, "W/\"7\"");

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(entries, Codec.Json), row.Utf8.ToArray());
        Assert.Equal(Codec.Write(entries), row.Data);
        Assert.Equal(("c1", Codec.TimelineKey(1), "W/\"7\""), (row.PartitionKey, row.RowKey, row.ETag));
        Assert.Equal("購入", Assert.Single(Codec.Read<List<TimelineEntry>>(row)).Text);
    }

    private static readonly CustomerEvent Purchase = new("p1", "purchase", "c1", new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.FromHours(9)),
        new Dictionary<string, Value>
        {
            ["amount"] = Value.From(6800), ["item.name"] = Value.From("抹茶 \"限定\""), ["gift"] = Value.From(true), ["skus"] = Value.From([Value.From("a"), Value.From(2)]),
            ["note"] = Value.Null,
        });

    // The serializer's own shape for the record, as earlier versions wrote events messages (some may still wait in a queue).
    private static readonly JsonSerializerOptions Plain = new(JsonSerializerDefaults.Web)
    {
        Converters = { new ValueJsonConverter() }, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Fact]
    public void EventsMessage_WrittenByTheEventConverter_SameTextAsTheSerializersShape()
    {
        var message = new EventsMessage([Purchase, Purchase with { Id = "v1", Type = "page_view", Properties = CustomerEvent.NoProperties }]);

        Assert.Equal(JsonSerializer.Serialize(message, Plain), Codec.Write(message));
    }

    [Fact]
    public void EventsMessage_InTheSerializersShapeOrOtherCasing_ReadBackFieldByField()
    {
        var text = JsonSerializer.Serialize(new EventsMessage([Purchase]), Plain);
        var pascal = """{"events":[{"Id":"p2","TYPE":"purchase","customerid":"c2","OccurredAt":"2026-11-22T00:00:00+00:00","extra":{"x":[1]},"Properties":{"amount":1}}]}""";

        var back = Assert.Single(Codec.Read<EventsMessage>(text).Events);
        var other = Assert.Single(Codec.Read<EventsMessage>(pascal).Events);

        Assert.Equal((Purchase.Id, Purchase.Type, Purchase.CustomerId, Purchase.OccurredAt), (back.Id, back.Type, back.CustomerId, back.OccurredAt));
        Assert.Equal(Purchase.OccurredAt.Offset, back.OccurredAt.Offset);
        Assert.Equal(Purchase.Properties.OrderBy(p => p.Key, StringComparer.Ordinal), back.Properties.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(("p2", "purchase", "c2", 1.0), (other.Id, other.Type, other.CustomerId, other.Properties["amount"].AsNumber));
    }

    [Fact]
    public void EventsMessage_EventWithoutProperties_ReadWithAnEmptySetNotNull()
    {
        var back = Assert.Single(Codec.Read<EventsMessage>("""{"events":[{"id":"v1","type":"page_view","customerId":"c1","occurredAt":"2026-11-22T00:00:00Z"}]}""").Events);

        Assert.NotNull(back.Properties);
        Assert.Empty(back.Properties);
    }
}
