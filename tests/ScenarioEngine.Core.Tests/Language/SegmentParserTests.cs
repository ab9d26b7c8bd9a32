using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using static ScenarioEngine.Core.Tests.TestSupport;

namespace ScenarioEngine.Core.Tests.Language;

/// <summary>Segment documents, and the segment trigger's "on": "left".</summary>
public sealed class SegmentParserTests
{
    private const string HotLeads = """
        {
          "id": "hot-leads", "name": "Hot leads", "description": "Scored high, or keeps looking at one product",
          "when": { "any": [
            { "attr": "lead.score", "gte": 50 },
            { "count": { "event": "product.viewed", "within": "P7D", "sameProperty": "productId",
                         "where": { "attr": "event.price", "gte": 1000 } }, "gte": 3 }
          ] }
        }
        """;

    [Fact]
    public void Parse_ValidSegment_ReadsEveryField()
    {
        var result = SegmentParser.Parse(HotLeads);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var segment = result.Value!;
        Assert.Equal("hot-leads", segment.Id);
        Assert.Equal("Hot leads", segment.Name);
        Assert.NotNull(segment.Description);
        Assert.IsType<AnyCondition>(segment.When);
    }

    [Fact]
    public void Contains_ProfileMatchingCondition_IsMember()
    {
        var segment = SegmentParser.Parse(HotLeads).Value!;
        var hot = Profile();
        hot.Computed["lead.score"] = Value.From(55);

        Assert.True(segment.Contains(hot, T0));
        Assert.False(segment.Contains(Profile(), T0));
    }

    [Theory]
    [InlineData("""{ "id": "x", "name": "X" }""", "$.when")]
    [InlineData("""{ "name": "X", "when": { "attr": "tags", "contains": "vip" } }""", "$.id")]
    [InlineData("""{ "id": "x", "when": { "attr": "tags", "contains": "vip" } }""", "$.name")]
    [InlineData("""{ "id": "bad id", "name": "X", "when": { "attr": "tags", "contains": "vip" } }""", "$.id")]
    [InlineData("""{ "id": "x", "name": "X", "owner": "me", "when": { "attr": "tags", "contains": "vip" } }""", "$.owner")]
    [InlineData("""{ "id": "x", "name": "X", "when": { "attr": "orders.count", "between": 3 } }""", "$.when.between")]
    [InlineData("""{ "id": "x", "name": "X", "when": { "all": [ { "attr": "event.amount", "gte": 3 } ] } }""", "$.when.all[0].attr")]
    [InlineData("""{ "id": "x", "name": "X", "when": { "attr": "profile.a", "eq": { "ref": "trigger.b" } } }""", "$.when.eq.ref")]
    [InlineData("""{ "id": "x", "name": "X", "when": { "count": { "event": "v", "within": "P100D" }, "gte": 1 } }""", "$.when.count.within")]
    [InlineData("""[]""", "$")]
    [InlineData("""{ "id": """, "$")]
    public void Parse_BadSegment_ReportsPath(string json, string path)
    {
        var result = SegmentParser.Parse(json);

        Assert.False(result.IsValid);
        Assert.Equal(path, Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void Parse_ReservedId_IsRefused()
    {
        var result = SegmentParser.Parse("""{ "id": "champions", "name": "C", "when": { "attr": "tags", "contains": "vip" } }""",
            new HashSet<string>(StringComparer.Ordinal) { "champions" });

        Assert.Equal("$.id", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void Parse_SegmentTriggerOnLeft_StartsOnSegmentLeftForThatSegment()
    {
        var journey = Journey(Doc(""" "a": { "type": "exit" } """, trigger: """{ "segment": "hot-leads", "on": "left" }"""));
        var trigger = Assert.IsType<EventTrigger>(journey.Trigger);
        var left = Event(SegmentTrigger.LeftEvent, T0, props: ("segment", Value.From("hot-leads")));
        var other = Event(SegmentTrigger.LeftEvent, T0, props: ("segment", Value.From("vip")));

        Assert.True(trigger.Match.Matches(left, new EvaluationContext(Profile(), left, left.Properties, T0)));
        Assert.False(trigger.Match.Matches(other, new EvaluationContext(Profile(), other, other.Properties, T0)));
        Assert.IsType<SegmentTrigger>(Journey(Doc(""" "a": { "type": "exit" } """, trigger: """{ "segment": "hot-leads", "on": "entered" }""")).Trigger);
    }

    [Fact]
    public void Parse_SegmentTriggerBadOn_ReportsPath()
    {
        var result = JourneyParser.Parse(Doc(""" "a": { "type": "exit" } """, trigger: """{ "segment": "hot-leads", "on": "changed" }"""));

        Assert.Equal("$.trigger.on", Assert.Single(result.Errors).Path);
    }
}
