using System.Collections.ObjectModel;
using System.Text.Json;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>The hand-written rows (profile, instance, outbox, time line) are byte for byte what the serializer writes for their types, which still reads them.</summary>
public sealed class RowWriterTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 9, 30, 15, 123, TimeSpan.FromHours(9));

    private static ProfileDoc Rich() => new()
    {
        Attributes = new(StringComparer.Ordinal)
        {
            ["email"] = Value.From("hanako@example.jp"), ["name"] = Value.From("山田 \"花子\" <b>\n"), ["age"] = Value.From(41.5),
            ["vip"] = Value.From(true), ["none"] = Value.Null, ["sizes"] = Value.From([Value.From("M"), Value.From(2), Value.From([Value.From(false)])]),
        },
        Computed = new(StringComparer.Ordinal) { ["orders.count"] = Value.From(3), ["orders.lastAt"] = Value.From(At), ["rfm.segment"] = Value.From("champions") },
        Consent = new(StringComparer.Ordinal) { ["email"] = true, ["line"] = false },
        Suppressed = new(StringComparer.Ordinal) { ["email"] = "bounce at 2026-11-01T00:00:00Z", ["postcard"] = null! },
        Tags = ["gold", "日本", ""],
        TimeZone = "Asia/Tokyo",
        Sends = [new SentMessage("email", At, false), new SentMessage("line", At.AddDays(-3), true), new SentMessage(null!, At, false)],
        TimelineSeq = 9_007_199_254_740_993,
        Recent =
        [
            new RecentEvent("p1", "purchase", At, new Dictionary<string, Value> { ["amount"] = Value.From(6800), ["sku"] = Value.From("抹茶") }),
            new RecentEvent("v1", "page_view", At.AddMinutes(-5), new ReadOnlyDictionary<string, Value>(new Dictionary<string, Value> { ["url"] = Value.From("/a?b=c&d") })),
            new RecentEvent("v2", "page_view", At, CustomerEvent.NoProperties),
            null!,
        ],
    };

    [Fact]
    public void ToUtf8_EveryField_SameBytesAsTheSerializer()
    {
        var doc = Rich();

        var mine = RowWriter.ToUtf8(doc);

        Assert.Equal(System.Text.Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(doc, Codec.Json)), System.Text.Encoding.UTF8.GetString(mine));
    }

    [Fact]
    public void ToUtf8_EmptyAndMissingParts_SameBytesAsTheSerializer()
    {
        var empty = new ProfileDoc();
        var nulls = new ProfileDoc { Attributes = null!, Computed = null!, Consent = null!, Suppressed = null!, Tags = null!, Sends = null!, Recent = null! };

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(empty, Codec.Json), RowWriter.ToUtf8(empty));
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(nulls, Codec.Json), RowWriter.ToUtf8(nulls));
    }

    [Fact]
    public void ToUtf8_ReadBackByTheSerializer_SameProfile()
    {
        var back = JsonSerializer.Deserialize<ProfileDoc>(RowWriter.ToUtf8(Rich()), Codec.Json)!;

        Assert.Equal(Rich().Attributes["name"], back.Attributes["name"]);
        Assert.Equal(Rich().Sends, back.Sends);
        Assert.Equal(9_007_199_254_740_993, back.TimelineSeq);
        Assert.Equal(["p1", "v1", "v2"], back.Recent.Where(e => e is not null).Select(e => e.Id));
    }

    [Fact]
    public void ProfileDoc_Properties_AreTheOnesTheWriterWrites()
    {
        // A property added to ProfileDoc must be added to RowWriter too (the serializer would write it; the writer would drop it).
        Assert.Equal(
            ["Attributes", "Computed", "Consent", "Suppressed", "Tags", "TimeZone", "Sends", "TimelineSeq", "Recent"],
            typeof(ProfileDoc).GetProperties().Select(p => p.Name));
        Assert.Equal(["Medium", "SentAt", "Transactional"], typeof(SentMessage).GetProperties().Select(p => p.Name));
        Assert.Equal(["Id", "Type", "At", "Properties"], typeof(RecentEvent).GetProperties().Where(p => p.Name != "EqualityContract").Select(p => p.Name));
    }

    private static string Serializer<T>(T value) => System.Text.Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(value, Codec.Json));

    private static string Mine(byte[] utf8) => System.Text.Encoding.UTF8.GetString(utf8);

    private static JourneyInstance Instance(bool everyField) => everyField
        ? new JourneyInstance
        {
            InstanceId = "welcome#3", JourneyId = "welcome", Version = 7, CustomerId = "c-\"1\"", Status = InstanceStatus.Exited, Step = "thanks", Seq = 4,
            WakeAt = At.AddDays(3), EnteredAt = At, StepEnteredAt = At.AddMinutes(1), ExitedAt = At.AddDays(4), ExitReason = "exitEvent:unsubscribe",
            Holdout = true, Variant = "B", GoalDeadline = At.AddDays(30), ConvertedAt = At.AddDays(2),
            Trigger = new Dictionary<string, Value> { ["amount"] = Value.From(6800.5), ["sku"] = Value.From("抹茶"), ["gift"] = Value.From(false), ["none"] = Value.Null },
        }
        : new JourneyInstance { InstanceId = "i", JourneyId = "j", Version = 1, CustomerId = "c" };

    [Fact]
    public void InstanceRow_EveryFieldAndDefaults_SameBytesAsTheSerializer()
    {
        var full = new InstanceDoc { State = Instance(everyField: true), Counts = new(StringComparer.Ordinal) { ["thanks.sent"] = 1, ["wait.entered"] = 12 } };
        var bare = new InstanceDoc { State = Instance(everyField: false) };
        var nulls = new InstanceDoc { State = Instance(everyField: false) with { Trigger = null! }, Counts = null! };

        Assert.Equal(Serializer(full), Mine(RowWriter.ToUtf8(full)));
        Assert.Equal(Serializer(bare), Mine(RowWriter.ToUtf8(bare)));
        Assert.Equal(Serializer(nulls), Mine(RowWriter.ToUtf8(nulls)));
        Assert.Equal(full.State, JsonSerializer.Deserialize<InstanceDoc>(RowWriter.ToUtf8(full), Codec.Json)!.State with { Trigger = full.State.Trigger });
    }

    [Theory]
    [InlineData(OutboxStatus.Pending, false)]
    [InlineData(OutboxStatus.Deferred, true)]
    [InlineData(OutboxStatus.Sending, true)]
    public void OutboxRow_SameBytesAsTheSerializer(OutboxStatus status, bool claimed)
    {
        var row = new OutboxDoc
        {
            Key = "welcome#3.4.thanks", InstanceRowKey = "i|welcome#3", JourneyId = "welcome", Version = 7, StepId = "thanks", Medium = "email", Message = "thank-you",
            Transactional = claimed, Status = status, NotBefore = At.AddHours(1), CreatedAt = At, LeaseUntil = claimed ? At.AddMinutes(5) : null,
            ClaimedAt = claimed ? At : null, Attempts = claimed ? 2 : 0, DeferCounted = claimed,
        };

        Assert.Equal(Serializer(row), Mine(RowWriter.ToUtf8(row)));
    }

    [Fact]
    public void TimelineRow_SameBytesAsTheSerializer()
    {
        List<TimelineEntry> entries =
        [
            new(At, "event", null, null, "purchase p1"),
            new(At.AddSeconds(1), "message", "welcome", "thanks", "email message thank-you sent (provider id \"x\")",
                new Dictionary<string, string> { ["subject"] = "ご購入ありがとうございます", ["html"] = "<p>a & b</p>\n", ["none"] = null! }),
            new(At, null!, "j", "s", null!, new Dictionary<string, string>()),
            null!,
        ];

        Assert.Equal(Serializer(entries), Mine(RowWriter.ToUtf8(entries)));
        Assert.Equal("[]", Mine(RowWriter.ToUtf8(new List<TimelineEntry>())));
    }

    [Fact]
    public void InstanceOutboxAndTimeline_Properties_AreTheOnesTheWriterWrites()
    {
        // As for the profile: a property added to one of these types must be added to RowWriter too.
        Assert.Equal(["State", "Counts"], typeof(InstanceDoc).GetProperties().Select(p => p.Name));
        Assert.Equal(
            ["InstanceId", "JourneyId", "Version", "CustomerId", "Status", "Step", "Seq", "WakeAt", "EnteredAt", "StepEnteredAt", "ExitedAt", "ExitReason",
                "Holdout", "Variant", "GoalDeadline", "ConvertedAt", "Trigger"],
            typeof(JourneyInstance).GetProperties().Where(p => p.Name != "EqualityContract").Select(p => p.Name));
        Assert.Equal(
            ["Key", "InstanceRowKey", "JourneyId", "Version", "StepId", "Medium", "Message", "Transactional", "Status", "NotBefore", "CreatedAt", "LeaseUntil",
                "ClaimedAt", "Attempts", "DeferCounted"],
            typeof(OutboxDoc).GetProperties().Select(p => p.Name));
        Assert.Equal(["At", "Kind", "JourneyId", "StepId", "Text", "Data"], typeof(TimelineEntry).GetProperties().Where(p => p.Name != "EqualityContract").Select(p => p.Name));
        Assert.Equal(["Active", "Exited"], Enum.GetNames<InstanceStatus>());
        Assert.Equal(["Pending", "Deferred", "Sending"], Enum.GetNames<OutboxStatus>());
    }
}
