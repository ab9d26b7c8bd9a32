using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using static ScenarioEngine.Core.Tests.TestSupport;

namespace ScenarioEngine.Core.Tests.Language;

/// <summary>Count conditions (behaviour in a window) over the profile's bounded recent-event log, and the log itself.</summary>
public sealed class CountConditionTests
{
    private static ParseResult<Journey> ParseAudience(string condition) =>
        JourneyParser.Parse(Doc(""" "a": { "type": "exit" } """, extra: $$""" "audience": {{condition}}, """));

    private static Condition Parse(string condition)
    {
        var result = ParseAudience(condition);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return result.Value!.Audience!;
    }

    private static ValidationError SingleError(string condition)
    {
        var result = ParseAudience(condition);
        Assert.False(result.IsValid);
        return Assert.Single(result.Errors);
    }

    /// <summary>A profile whose log holds the given events (type, days before T0, productId).</summary>
    private static CustomerProfile WithViews(params (string Type, double DaysAgo, string? Product)[] events)
    {
        var p = Profile();
        var i = 0;
        foreach (var (type, daysAgo, product) in events.OrderByDescending(e => e.DaysAgo))
        {
            var props = product is null ? [] : new[] { ("productId", Value.From(product)) };
            RecentEventLog.Record(p, Event(type, T0.AddDays(-daysAgo), $"e{i++}", props: props));
        }

        return p;
    }

    private static bool Eval(string condition, CustomerProfile profile) => Parse(condition).Evaluate(new EvaluationContext(profile, null, null, T0));

    [Theory]
    [InlineData("gte", 3, true)]
    [InlineData("gte", 4, false)]
    [InlineData("gt", 2, true)]
    [InlineData("eq", 3, true)]
    [InlineData("lt", 3, false)]
    [InlineData("lte", 3, true)]
    public void Evaluate_CountWithinWindow_ComparesWithOperator(string op, int n, bool expected)
    {
        // Three views in the last 7 days, one 10 days ago (outside), one purchase (another type).
        var profile = WithViews(("product.viewed", 1, "p1"), ("product.viewed", 3, "p2"), ("product.viewed", 6.9, "p1"),
            ("product.viewed", 10, "p1"), ("purchase", 2, null));

        Assert.Equal(expected, Eval($$"""{ "count": { "event": "product.viewed", "within": "P7D" }, "{{op}}": {{n}} }""", profile));
    }

    [Fact]
    public void Evaluate_SameProperty_TakesLargestCountOverValues()
    {
        var profile = WithViews(("product.viewed", 1, "p1"), ("product.viewed", 2, "p2"), ("product.viewed", 3, "p1"),
            ("product.viewed", 4, "p2"), ("product.viewed", 5, "p1"), ("product.viewed", 6, null));
        var condition = Parse("""{ "count": { "event": "product.viewed", "within": "P7D", "sameProperty": "productId" }, "gte": 3 }""");

        Assert.True(condition.Evaluate(new EvaluationContext(profile, null, null, T0)));
        Assert.Equal(3, ((CountCondition)condition).Count(new EvaluationContext(profile, null, null, T0)));
        // Two and a half days later the p1 view of 5 days ago has left the 7-day window: two views each.
        Assert.False(condition.Evaluate(new EvaluationContext(profile, null, null, T0.AddDays(2.5))));
    }

    [Fact]
    public void Evaluate_SamePropertyWithEventPrefix_GroupsNumbersAndNumericStringsTogether()
    {
        var p = Profile();
        RecentEventLog.Record(p, Event("product.viewed", T0.AddHours(-3), "a", props: ("productId", Value.From(42))));
        RecentEventLog.Record(p, Event("product.viewed", T0.AddHours(-2), "b", props: ("productId", Value.From("42"))));

        Assert.True(Eval("""{ "count": { "event": "product.viewed", "within": "P1D", "sameProperty": "event.productId" }, "eq": 2 }""", p));
    }

    [Fact]
    public void Evaluate_Where_FiltersCountedEventsOnTheirProperties()
    {
        var p = Profile();
        RecentEventLog.Record(p, Event("purchase", T0.AddDays(-10), "a", props: ("amount", Value.From(9000))));
        RecentEventLog.Record(p, Event("purchase", T0.AddDays(-5), "b", props: ("amount", Value.From(1200))));
        RecentEventLog.Record(p, Event("purchase", T0.AddDays(-1), "c", props: ("amount", Value.From(6000))));

        Assert.True(Eval("""{ "count": { "event": "purchase", "within": "P30D", "where": { "attr": "event.amount", "gte": 5000 } }, "eq": 2 }""", p));
        Assert.True(Eval("""{ "count": { "event": "purchase", "within": "P7D", "where": { "attr": "event.amount", "gte": 5000 } }, "eq": 1 }""", p));
    }

    [Fact]
    public void Evaluate_NoPurchaseInWindow_CountsZero()
    {
        var p = WithViews(("purchase", 100, null), ("product.viewed", 1, "p1"));

        Assert.True(Eval("""{ "count": { "event": "purchase", "within": "P90D" }, "eq": 0 }""", p));
        Assert.True(Eval("""{ "not": { "count": { "event": "purchase", "within": "P90D" }, "gte": 1 } }""", p));
    }

    [Fact]
    public void Describe_Count_ReadsAsTheRule()
    {
        Assert.Equal("count of product.viewed within P7D with the same productId gte 3",
            Parse("""{ "count": { "event": "product.viewed", "within": "P7D", "sameProperty": "productId" }, "gte": 3 }""").Describe());
    }

    [Theory]
    [InlineData("""{ "count": { "event": "product.viewed", "within": "7 days" }, "gte": 3 }""", "$.audience.count.within")]
    [InlineData("""{ "count": { "event": "product.viewed", "within": "P120D" }, "gte": 3 }""", "$.audience.count.within")]
    [InlineData("""{ "count": { "event": "product.viewed", "within": "P1Y" }, "gte": 3 }""", "$.audience.count.within")]
    [InlineData("""{ "count": { "event": "product.viewed" }, "gte": 3 }""", "$.audience.count.within")]
    [InlineData("""{ "count": { "within": "P7D" }, "gte": 3 }""", "$.audience.count.event")]
    [InlineData("""{ "count": { "event": "product.viewed", "within": "P7D" }, "between": 3 }""", "$.audience.between")]
    [InlineData("""{ "count": { "event": "product.viewed", "within": "P7D" }, "contains": 3 }""", "$.audience.contains")]
    [InlineData("""{ "count": { "event": "product.viewed", "within": "P7D" }, "gte": 2.5 }""", "$.audience.gte")]
    [InlineData("""{ "count": { "event": "product.viewed", "within": "P7D" }, "gte": -1 }""", "$.audience.gte")]
    [InlineData("""{ "count": { "event": "product.viewed", "within": "P7D" }, "gte": "3" }""", "$.audience.gte")]
    [InlineData("""{ "count": { "event": "product.viewed", "within": "P7D" }, "gte": 201 }""", "$.audience.gte")]
    [InlineData("""{ "count": { "event": "product.viewed", "within": "P7D" } }""", "$.audience")]
    [InlineData("""{ "count": { "event": "product.viewed", "within": "P7D" }, "gte": 3, "lt": 9 }""", "$.audience")]
    [InlineData("""{ "count": { "event": "product.viewed", "within": "P7D", "by": "productId" }, "gte": 3 }""", "$.audience.count.by")]
    [InlineData("""{ "count": { "event": "product.viewed", "within": "P7D", "sameProperty": "" }, "gte": 3 }""", "$.audience.count.sameProperty")]
    [InlineData("""{ "count": "product.viewed", "gte": 3 }""", "$.audience.count")]
    [InlineData("""{ "all": [ { "count": { "event": "v", "within": "P7D", "where": { "attr": "event.x", "between": 1 } }, "gte": 1 } ] }""", "$.audience.all[0].count.where.between")]
    public void Parse_BadCount_ReportsPath(string condition, string path)
    {
        var error = SingleError(condition);

        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void Parse_WindowTooLong_SaysWhatTheLogKeeps()
    {
        var error = SingleError("""{ "count": { "event": "product.viewed", "within": "P91D" }, "gte": 3 }""");

        Assert.Contains("200 events of the last 90 days", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SegmentsPathAlone_IsTheMembershipList()
    {
        var p = Profile();
        p.Computed["segments.current"] = Value.From([Value.From("hot-leads"), Value.From("vip")]);

        Assert.True(Eval("""{ "attr": "segments", "contains": "hot-leads" }""", p));
        Assert.False(Eval("""{ "attr": "segments", "contains": "lapsed" }""", p));
        Assert.True(Eval("""{ "attr": "segments.current", "contains": "vip" }""", p));
        Assert.False(Eval("""{ "attr": "segments", "contains": "x" }""", Profile()));
        Assert.Equal("$.audience.attr", SingleError("""{ "attr": "lead", "gte": 1 }""").Path);
    }

    [Fact]
    public void Record_MoreThanTheLogKeeps_DropsOldestAndStale()
    {
        var p = Profile();
        for (var i = 0; i < 250; i++)
        {
            RecentEventLog.Record(p, Event("page.viewed", T0.AddMinutes(i), $"e{i}"));
        }

        Assert.Equal(RecentEventLog.MaxEvents, p.RecentEvents.Count);
        Assert.Equal("e50", p.RecentEvents[0].Id);

        RecentEventLog.Record(p, Event("page.viewed", T0.AddDays(91), "late"));

        Assert.Equal("late", Assert.Single(p.RecentEvents).Id);
    }

    [Fact]
    public void Record_OutOfOrderAndUnloggedTypes_KeepsTimeOrderWithoutEngineEvents()
    {
        var p = Profile();
        RecentEventLog.Record(p, Event("page.viewed", T0.AddHours(2), "b"));
        RecentEventLog.Record(p, Event("page.viewed", T0, "a"));
        RecentEventLog.Record(p, Event("page.viewed", T0.AddHours(2), "c"));

        Assert.False(RecentEventLog.Record(p, Event("identify", T0, "i", props: ("email", Value.From("a@example.com")))));
        Assert.False(RecentEventLog.Record(p, Event("segment.entered", T0, "s")));
        Assert.Equal(["a", "b", "c"], p.RecentEvents.Select(e => e.Id));
    }

    [Fact]
    public void Record_Properties_KeepsShortScalarsOnly()
    {
        var p = Profile();
        RecentEventLog.Record(p, Event("product.viewed", T0, "a",
            props: [("productId", Value.From("p1")), ("price", Value.From(1200)), ("html", Value.From(new string('x', 500))), ("tags", Value.From([Value.From("x")]))]));

        Assert.Equal(["price", "productId"], p.RecentEvents[0].Properties.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Record_PropertiesTheLogKeepsAsTheyAre_LogsTheEventsOwn()
    {
        var p = Profile();
        var kept = Event("purchase", T0, "a", props: [("amount", Value.From(6800)), ("sku", Value.From("s1"))]);
        var unsorted = Event("purchase", T0, "b", props: [("sku", Value.From("s1")), ("amount", Value.From(6800))]);

        RecentEventLog.Record(p, kept);
        RecentEventLog.Record(p, unsorted);

        Assert.Same(kept.Properties, p.RecentEvents[0].Properties);
        Assert.NotSame(unsorted.Properties, p.RecentEvents[1].Properties);
        Assert.Equal(["amount", "sku"], p.RecentEvents[1].Properties.Keys);
    }

    [Fact]
    public void Clone_CopiesTheLog()
    {
        var p = WithViews(("product.viewed", 1, "p1"));
        var copy = p.Clone();
        RecentEventLog.Record(copy, Event("product.viewed", T0, "x"));

        Assert.Single(p.RecentEvents);
        Assert.Equal(2, copy.RecentEvents.Count);
    }
}
