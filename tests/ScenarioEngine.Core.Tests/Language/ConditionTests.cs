using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using static ScenarioEngine.Core.Tests.TestSupport;

namespace ScenarioEngine.Core.Tests.Language;

/// <summary>Conditions parsed from JSON (through a journey's audience) and evaluated against a profile, an event and a trigger.</summary>
public sealed class ConditionTests
{
    private static Condition Parse(string condition) =>
        Journey(Doc(""" "a": { "type": "exit" } """, extra: $$""" "audience": {{condition}}, """)).Audience!;

    private static CustomerProfile Customer()
    {
        var p = Profile();
        p.Attributes["lastOrder"] = Value.From(T0.AddDays(-100));
        p.Attributes["lastVisit"] = Value.From(T0.AddDays(-2));
        p.Attributes["email"] = Value.From("a@example.com");
        p.Attributes["interests"] = Value.From([Value.From("tea"), Value.From("books")]);
        p.Computed["rfm.segment"] = Value.From("loyal");
        p.Computed["orders.count"] = Value.From(4);
        p.Tags.Add("vip");
        p.Suppressed["line"] = "blocked";
        return p;
    }

    private static bool Eval(string condition, CustomerEvent? e = null, IReadOnlyDictionary<string, Value>? trigger = null) =>
        Parse(condition).Evaluate(new EvaluationContext(Customer(), e, trigger, T0));

    [Theory]
    [InlineData("""{ "attr": "profile.lastOrder", "olderThan": "P90D" }""", true)]
    [InlineData("""{ "attr": "profile.lastOrder", "olderThan": "P120D" }""", false)]
    [InlineData("""{ "attr": "profile.lastVisit", "withinLast": "P7D" }""", true)]
    [InlineData("""{ "attr": "profile.lastOrder", "withinLast": "P7D" }""", false)]
    [InlineData("""{ "attr": "profile.missing", "olderThan": "P1D" }""", false)]
    [InlineData("""{ "attr": "profile.email", "exists": true }""", true)]
    [InlineData("""{ "attr": "profile.phone", "exists": false }""", true)]
    [InlineData("""{ "attr": "profile.interests", "contains": "tea" }""", true)]
    [InlineData("""{ "attr": "profile.email", "contains": "@example." }""", true)]
    [InlineData("""{ "attr": "tags", "contains": "vip" }""", true)]
    [InlineData("""{ "attr": "rfm.segment", "in": ["champions", "loyal"] }""", true)]
    [InlineData("""{ "attr": "orders.count", "gte": 4 }""", true)]
    [InlineData("""{ "attr": "orders.count", "lt": 4 }""", false)]
    [InlineData("""{ "attr": "profile.lastOrder", "lt": "2026-01-31T00:00:00Z" }""", true)]
    [InlineData("""{ "attr": "consent.email", "eq": true }""", true)]
    [InlineData("""{ "attr": "consent.line", "eq": true }""", false)]
    [InlineData("""{ "attr": "suppressed.line", "eq": true }""", true)]
    [InlineData("""{ "attr": "profile.timeZone", "eq": "Asia/Tokyo" }""", true)]
    [InlineData("""{ "attr": "profile.missing", "ne": "x" }""", true)]
    [InlineData("""{ "all": [ { "attr": "tags", "contains": "vip" }, { "attr": "orders.count", "gt": 10 } ] }""", false)]
    [InlineData("""{ "any": [ { "attr": "tags", "contains": "vip" }, { "attr": "orders.count", "gt": 10 } ] }""", true)]
    [InlineData("""{ "not": { "attr": "tags", "contains": "vip" } }""", false)]
    public void Evaluate_ProfileConditions_AsDocumented(string condition, bool expected)
    {
        Assert.Equal(expected, Eval(condition));
    }

    [Fact]
    public void Evaluate_EventAndTriggerRef_ComparesAcrossThem()
    {
        var condition = """{ "attr": "event.cartId", "eq": { "ref": "trigger.cartId" } }""";
        var trigger = new Dictionary<string, Value> { ["cartId"] = Value.From("c-1") };

        Assert.True(Eval(condition, Event("purchase", T0, props: ("cartId", Value.From("c-1"))), trigger));
        Assert.False(Eval(condition, Event("purchase", T0, props: ("cartId", Value.From("c-2"))), trigger));
        Assert.False(Eval(condition, Event("purchase", T0, props: ("cartId", Value.From("c-1")))));
    }

    [Fact]
    public void Evaluate_EventBuiltIns_TypeIdOccurredAt()
    {
        var e = Event("purchase", T0.AddHours(-1), "ev-9");

        Assert.True(Eval("""{ "attr": "event.type", "eq": "purchase" }""", e));
        Assert.True(Eval("""{ "attr": "event.id", "eq": "ev-9" }""", e));
        Assert.True(Eval("""{ "attr": "event.occurredAt", "withinLast": "PT2H" }""", e));
    }

    [Fact]
    public void Describe_ReadsAsTheRule()
    {
        Assert.Equal("(tags contains vip and not orders.count gt 10)",
            Parse("""{ "all": [ { "attr": "tags", "contains": "vip" }, { "not": { "attr": "orders.count", "gt": 10 } } ] }""").Describe());
        Assert.Equal("profile.lastOrder older than P90D", Parse("""{ "attr": "profile.lastOrder", "olderThan": "P90D" }""").Describe());
    }
}
