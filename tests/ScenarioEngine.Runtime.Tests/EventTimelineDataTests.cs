using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>An event's time-line data: its id, then its properties as text, as the entry's JSON has always held them.</summary>
public sealed class EventTimelineDataTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 9, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public void Entry_Event_WrittenAsItsIdThenEachPropertyAsText()
    {
        var e = new CustomerEvent("p1", "purchase", "c1", At, new Dictionary<string, Value>
        {
            ["amount"] = Value.From(6800.5), ["item.name"] = Value.From("抹茶"), ["gift"] = Value.From(true), ["note"] = Value.Null,
        });

        var row = new TimelineRow([new TimelineEntry(At, "event", null, null, e.Type, new EventTimelineData(e))]);

        var data = Assert.Single(Codec.Read<List<TimelineEntry>>(Codec.Write(row))).Data!;
        Assert.Equal(["id", "amount", "item.name", "gift", "note"], data.Keys);
        Assert.Equal(["p1", Value.From(6800.5).ToString(), "抹茶", Value.From(true).ToString(), Value.Null.ToString()], data.Values);
    }

    [Fact]
    public void Read_PropertyNamedId_ReplacesTheEventsIdInFirstPlace()
    {
        var e = new CustomerEvent("p1", "purchase", "c1", At, new Dictionary<string, Value> { ["sku"] = Value.From("S1"), ["id"] = Value.From("order-9") });

        var data = new EventTimelineData(e);

        Assert.Equal(2, data.Count);
        Assert.Equal([new("id", "order-9"), new("sku", "S1")], data.ToList());
        Assert.Equal("order-9", data["id"]);
        Assert.True(data.ContainsKey("sku"));
        Assert.False(data.TryGetValue("missing", out _));
    }

    [Fact]
    public void Read_NoProperties_OnlyTheId()
    {
        var data = new EventTimelineData(new CustomerEvent("e1", "signup", "c1", At, CustomerEvent.NoProperties));

        Assert.Equal([new KeyValuePair<string, string>("id", "e1")], data.ToList());
        Assert.Equal("e1", data["id"]);
        Assert.Throws<KeyNotFoundException>(() => data["sku"]);
    }
}
