using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScenarioEngine.Runtime.Integration;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>
/// The integration events' JSON is what samples/integration-events/*.json show (one per type), which the schema check validates
/// against schemas/integration-event.schema.json; and ids are derived from what happened.
/// </summary>
public sealed class IntegrationEventJsonTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 1, 0, 5, TimeSpan.Zero);
    private const string Instance = "j:cart-abandonment:c-1001:evt-7f3a"; // JourneyInstanceId.For("c-1001", "cart-abandonment", "evt-7f3a")

    /// <summary>One event of each type, as the samples show it.</summary>
    public static TheoryData<string> Types() => [.. IntegrationEventTypes.All];

    internal static IntegrationEvent Example(string type) => type switch
    {
        IntegrationEventTypes.JourneyEntered => IntegrationEvent.JourneyEntered("c-1001", "cart-abandonment", 3, Instance, "evt-7f3a", At),
        IntegrationEventTypes.JourneyExited => IntegrationEvent.JourneyExited("c-1001", "cart-abandonment", 3, Instance, "done", "completed", At.AddDays(3)),
        IntegrationEventTypes.JourneyConverted => IntegrationEvent.JourneyConverted("c-1001", "cart-abandonment", 3, Instance, "order-5531", At.AddHours(20)),
        IntegrationEventTypes.MessageSent => IntegrationEvent.MessageOutcome(type, "c-1001", "cart-abandonment", 3, Instance, "reminder-mail", "email", "cart-reminder",
            Instance + "/2/reminder-mail", "sg-8Fq2Xw", null, At.AddHours(1)),
        IntegrationEventTypes.MessageSkipped => IntegrationEvent.MessageOutcome(type, "c-1001", "cart-abandonment", 3, Instance, "reminder-line", "line", "cart-reminder",
            Instance + "/3/reminder-line", null, "consent: no consent for line", At.AddHours(1)),
        IntegrationEventTypes.MessageFailed => IntegrationEvent.MessageOutcome(type, "c-1001", "cart-abandonment", 3, Instance, "notify-crm", "webhook", "cart-reminder",
            Instance + "/4/notify-crm", null, "HTTP 410 Gone", At.AddHours(1)),
        IntegrationEventTypes.SegmentEntered => IntegrationEvent.SegmentChanged(entered: true, "c-1001", "tea-lovers", "evt-9c01", At),
        IntegrationEventTypes.SegmentLeft => IntegrationEvent.SegmentChanged(entered: false, "c-1001", "lapsing", "order-5531", At.AddHours(20)),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void ToUtf8_EachType_IsTheSample(string type)
    {
        var json = JsonNode.Parse(IntegrationEventJson.ToUtf8(Example(type)))!;
        var file = Path.Combine(RepoRoot(), "samples", "integration-events", type + ".json");
        var sample = JsonNode.Parse(File.ReadAllText(file, Encoding.UTF8))!;
        Assert.True(JsonNode.DeepEquals(sample, json), $"{type}: the engine writes\n{json.ToJsonString()}\nbut {file} shows\n{sample.ToJsonString()}");
    }

    [Fact]
    public void ToUtf8_MessageSent_FieldsInDocumentedOrderWithoutAbsentOnes()
    {
        var text = Encoding.UTF8.GetString(IntegrationEventJson.ToUtf8(Example(IntegrationEventTypes.MessageSent)));

        var names = JsonDocument.Parse(text).RootElement.EnumerateObject().Select(p => p.Name);
        Assert.Equal(["schemaVersion", "id", "type", "occurredAt", "customerId", "journeyId", "version", "instanceId", "stepId", "medium", "messageId", "sendKey", "providerMessageId"], names);
        Assert.Contains("\"occurredAt\":\"2026-03-02T02:00:05.0000000Z\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DeriveId_SameHappening_SameIdAndDifferentHappeningsDiffer()
    {
        var ids = IntegrationEventTypes.All.Select(t => Example(t).Id).ToList();
        Assert.Equal(ids, IntegrationEventTypes.All.Select(t => Example(t).Id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());

        // The customer is part of the id: the same journey entry of two customers gives two ids.
        var other = IntegrationEvent.JourneyEntered("c-1002", "cart-abandonment", 3, Instance, "evt-7f3a", At);
        Assert.NotEqual(Example(IntegrationEventTypes.JourneyEntered).Id, other.Id);
        // A customer id that ends like another's prefix cannot collide ("a|b" + "c" vs "a" + "b|c").
        Assert.NotEqual(IntegrationEvent.DeriveId("a|b", "t", "c"), IntegrationEvent.DeriveId("a", "t", "b|c"));
    }

    [Theory]
    [InlineData("c1", "journey.entered", "j1:c1:e1")]
    [InlineData("顧客-7", "message.sent", "送信キー")]
    [InlineData("c1", "segment.entered", "a subject longer than the 512-byte stack buffer, so the hashed name is built in a rented array ......................................................................................................................................................................................................................................................................................................................................................................................................")]
    public void DeriveId_AnyLength_IsTheVersion8UuidOfTheNamesSha256(string customerId, string type, string subject)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{customerId.Length}:{customerId}|{type}|{subject}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(hash, 0, 16);

        Assert.Equal($"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}", IntegrationEvent.DeriveId(customerId, type, subject));
    }

    [Fact]
    public void MessageOutcome_NotAMessageType_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => IntegrationEvent.MessageOutcome(IntegrationEventTypes.JourneyEntered, "c", "j", 1, "i", "s", "email", "m", "k", null, null, At));
        Assert.Equal("type", ex.ParamName);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ScenarioEngine.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ScenarioEngine.sln not found above " + AppContext.BaseDirectory);
    }
}
