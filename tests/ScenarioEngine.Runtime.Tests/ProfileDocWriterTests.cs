using System.Collections.ObjectModel;
using System.Text.Json;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>The hand-written profile row is byte for byte what the serializer writes for <see cref="ProfileDoc"/>, which still reads it.</summary>
public sealed class ProfileDocWriterTests
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

        var mine = ProfileDocWriter.ToUtf8(doc);

        Assert.Equal(System.Text.Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(doc, Codec.Json)), System.Text.Encoding.UTF8.GetString(mine));
    }

    [Fact]
    public void ToUtf8_EmptyAndMissingParts_SameBytesAsTheSerializer()
    {
        var empty = new ProfileDoc();
        var nulls = new ProfileDoc { Attributes = null!, Computed = null!, Consent = null!, Suppressed = null!, Tags = null!, Sends = null!, Recent = null! };

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(empty, Codec.Json), ProfileDocWriter.ToUtf8(empty));
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(nulls, Codec.Json), ProfileDocWriter.ToUtf8(nulls));
    }

    [Fact]
    public void ToUtf8_ReadBackByTheSerializer_SameProfile()
    {
        var back = JsonSerializer.Deserialize<ProfileDoc>(ProfileDocWriter.ToUtf8(Rich()), Codec.Json)!;

        Assert.Equal(Rich().Attributes["name"], back.Attributes["name"]);
        Assert.Equal(Rich().Sends, back.Sends);
        Assert.Equal(9_007_199_254_740_993, back.TimelineSeq);
        Assert.Equal(["p1", "v1", "v2"], back.Recent.Where(e => e is not null).Select(e => e.Id));
    }

    [Fact]
    public void ProfileDoc_Properties_AreTheOnesTheWriterWrites()
    {
        // A property added to ProfileDoc must be added to ProfileDocWriter too (the serializer would write it; the writer would drop it).
        Assert.Equal(
            ["Attributes", "Computed", "Consent", "Suppressed", "Tags", "TimeZone", "Sends", "TimelineSeq", "Recent"],
            typeof(ProfileDoc).GetProperties().Select(p => p.Name));
        Assert.Equal(["Medium", "SentAt", "Transactional"], typeof(SentMessage).GetProperties().Select(p => p.Name));
        Assert.Equal(["Id", "Type", "At", "Properties"], typeof(RecentEvent).GetProperties().Where(p => p.Name != "EqualityContract").Select(p => p.Name));
    }
}
