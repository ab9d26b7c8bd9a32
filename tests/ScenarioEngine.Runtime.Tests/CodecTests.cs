using System.Text.Json;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>How rows are written and read: a reader gets its own copy of the document a row holds; the text escapes only what JSON requires.</summary>
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
    public void Row_Document_ItsTextIsTheSerializers()
    {
        var entries = new TimelineRow([new(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.FromHours(9)), "event", null, null, "購入")]);

        var row = Codec.Row("c1", Codec.TimelineKey(1), entries, "W/\"7\"");

        Assert.Equal(Codec.Write(entries.Entries.ToList()), row.Data);
        Assert.Equal(("c1", Codec.TimelineKey(1), "W/\"7\""), (row.PartitionKey, row.RowKey, row.ETag));
        Assert.Equal("購入", Assert.Single(Codec.Read<List<TimelineEntry>>(row.Data)).Text);
    }

    [Fact]
    public void Read_ReaderChangesItsDocument_TheRowKeepsWhatWasWritten()
    {
        var row = Codec.Row("c1", Codec.ProfileKey, NewProfileDoc());

        Mutate(Codec.Read<ProfileDoc>(row));

        AssertUnchanged(Codec.Read<ProfileDoc>(row));
        Assert.Equal(Codec.Write(NewProfileDoc()), row.Data);
    }

    [Fact]
    public async Task Read_ReaderChangesItsDocument_NextReaderGetsTheStoredOne()
    {
        var store = new InMemoryRowStore();
        await store.CreateTableAsync("t");
        await store.CommitAsync("t", [new RowWrite(WriteKind.Insert, Codec.Row("c1", Codec.ProfileKey, NewProfileDoc()))]);

        Mutate(Codec.Read<ProfileDoc>((await store.GetAsync("t", "c1", Codec.ProfileKey))!));

        AssertUnchanged(Codec.Read<ProfileDoc>((await store.GetAsync("t", "c1", Codec.ProfileKey))!));
    }

    [Fact]
    public void Read_RowOfText_ParsesIt()
    {
        var row = new StoredRow("c1", Codec.ProfileKey, Codec.Write(NewProfileDoc()));

        AssertUnchanged(Codec.Read<ProfileDoc>(row));
    }

    [Fact]
    public void View_RowHoldingADocument_GivesTheHeldOneWithoutACopy()
    {
        var doc = NewProfileDoc();
        var row = Codec.Row("c1", Codec.ProfileKey, doc);

        Assert.Same(doc, Codec.View<ProfileDoc>(row));
        Assert.NotSame(doc, Codec.Read<ProfileDoc>(row));
    }

    [Fact]
    public void View_RowOfText_ParsesIt()
    {
        var row = new StoredRow("c1", Codec.ProfileKey, Codec.Write(NewProfileDoc()));

        AssertUnchanged(Codec.View<ProfileDoc>(row));
    }

    [Fact]
    public void WithSends_SharesEverythingButTheHistory_TheSourceKeepsItsOwn()
    {
        var doc = NewProfileDoc();
        List<SentMessage> sends = [new SentMessage("line", At, true)];

        var next = doc.WithSends(sends);

        Assert.Same(sends, next.Sends);
        Assert.Same(doc.Attributes, next.Attributes);
        Assert.Same(doc.Recent, next.Recent);
        Assert.Equal((doc.TimeZone, doc.TimelineSeq), (next.TimeZone, next.TimelineSeq));
        AssertUnchanged(doc);
    }

    [Fact]
    public void Copy_InstanceDoc_SharesNothingThatChanges()
    {
        var doc = new InstanceDoc
        {
            State = new JourneyInstance { InstanceId = "i1", JourneyId = "j", Version = 1, CustomerId = "c1" },
            Counts = { ["a.entered"] = 1 }, Batch = 2, Deferrals = { "k#1" },
        };

        var copy = doc.Copy();
        copy.Count("a", "entered");
        copy.Deferrals.Add("k#2");
        copy.Batch = 3;

        Assert.Equal((1, 2, 1), (doc.Counts["a.entered"], doc.Batch, doc.Deferrals.Count));
        Assert.Equal(Codec.Write(doc), Codec.Write(doc.Copy()));
    }

    [Fact]
    public void Count_SameStepAndMetricOnTwoInstances_TheyShareTheKey()
    {
        var first = new InstanceDoc { State = new JourneyInstance { InstanceId = "i1", JourneyId = "j", Version = 1, CustomerId = "c1" } };
        var second = new InstanceDoc { State = new JourneyInstance { InstanceId = "i2", JourneyId = "j", Version = 1, CustomerId = "c2" } };

        first.Count("mail", "sent");
        second.Count("mail", "sent");
        second.Count("mail", "sent");

        Assert.Same(Assert.Single(first.Counts).Key, Assert.Single(second.Counts).Key);
        Assert.Equal(("mail.sent", 1, 2), (first.Counts.Keys.Single(), first.Counts["mail.sent"], second.Counts["mail.sent"]));
    }

    private static readonly DateTimeOffset At = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private static ProfileDoc NewProfileDoc() => new()
    {
        Attributes = { ["email"] = Value.From("a@example.com") }, Computed = { ["orders.count"] = Value.From(2) }, Consent = { ["email"] = true },
        Suppressed = { ["line"] = "blocked" }, Tags = ["vip"], TimeZone = "Asia/Tokyo", Sends = [new SentMessage("email", At, false)], TimelineSeq = 3,
        Recent = [new RecentEvent("e1", "purchase", At, CustomerEvent.NoProperties)],
    };

    private static void Mutate(ProfileDoc doc)
    {
        doc.Attributes["email"] = Value.From("b@example.com");
        doc.Computed.Clear();
        doc.Consent["email"] = false;
        doc.Suppressed.Remove("line");
        doc.Tags.Add("lapsed");
        doc.Sends.Clear();
        doc.Recent.Add(new RecentEvent("e2", "page_view", At, CustomerEvent.NoProperties));
        doc.TimeZone = null;
        doc.TimelineSeq = 9;
    }

    private static void AssertUnchanged(ProfileDoc doc) => Assert.Equal(Codec.Write(NewProfileDoc()), Codec.Write(doc));

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
