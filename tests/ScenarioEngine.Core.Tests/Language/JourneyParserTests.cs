using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using static ScenarioEngine.Core.Tests.TestSupport;

namespace ScenarioEngine.Core.Tests.Language;

public sealed class JourneyParserTests
{
    private const string AllSteps = """
        "thanks":  { "type": "send", "medium": "email", "message": "thank-you", "next": "wait3d" },
        "wait3d":  { "type": "wait", "for": "P3D", "atLocalTime": "10:00", "next": "bought-again" },
        "bought-again": { "type": "waitForEvent", "event": "purchase", "where": { "attr": "event.amount", "gt": 0 },
                          "timeout": "P7D", "onEvent": "done", "onTimeout": "who" },
        "who":     { "type": "branch", "cases": [ { "when": { "attr": "rfm.segment", "in": ["champions", "loyal"] }, "next": "vip" } ],
                     "otherwise": "split" },
        "split":   { "type": "split", "variants": [ { "name": "A", "weight": 50, "next": "mail" }, { "name": "B", "weight": 50, "next": "tag" } ] },
        "tag":     { "type": "update", "set": { "lastOffer": "cross-sell" }, "increment": { "touches": 1 }, "unset": ["coupon"],
                     "addTags": ["cross-sell"], "removeTags": ["new"], "next": "line" },
        "vip":     { "type": "send", "medium": "postcard", "message": "vip-card", "next": "hook" },
        "hook":    { "type": "send", "medium": "webhook", "message": "crm", "transactional": true, "next": "done" },
        "mail":    { "type": "send", "medium": "email", "message": "cross-sell", "next": "done" },
        "line":    { "type": "send", "medium": "line", "message": "cross-sell", "next": "eve" },
        "eve":     { "type": "wait", "until": { "attr": "profile.birthday", "offset": "-P1D" }, "next": "done" },
        "done":    { "type": "exit" }
        """;

    private const string Extras = """
        "version": 3,
        "audience": { "attr": "consent.email", "eq": true },
        "reentry": { "mode": "afterExit", "cooldown": "P30D" },
        "exitWhen": [ { "event": "unsubscribe" } ],
        "goal": { "event": "purchase", "within": "P21D" },
        "holdoutPercent": 10,
        """;

    [Theory]
    [InlineData("""{ "event": "purchase", "where": { "attr": "event.amount", "gte": 5000 } }""", typeof(EventTrigger))]
    [InlineData("""{ "segment": "champions" }""", typeof(SegmentTrigger))]
    [InlineData("""{ "date": { "attr": "profile.birthday", "offsetDays": -3, "at": "10:00", "yearly": true } }""", typeof(DateTrigger))]
    [InlineData("""{ "schedule": { "at": "2026-12-01T10:00", "localTime": false, "timeZone": "Asia/Tokyo" } }""", typeof(ScheduleTrigger))]
    public void Parse_EveryStepTypeAndTriggerKind_ReturnsTypedJourney(string trigger, Type triggerType)
    {
        // Arrange
        var json = Doc(AllSteps, start: "thanks", trigger: trigger, extra: Extras);

        // Act
        var result = JourneyParser.Parse(json);

        // Assert
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var j = result.Value!;
        Assert.IsType(triggerType, j.Trigger);
        Assert.Equal(("j1", 3, "thanks", 10d), (j.Id, j.Version, j.Start, j.HoldoutPercent));
        Assert.Equal(new ReentryRule(ReentryMode.AfterExit, IsoDuration.Parse("P30D")), j.Reentry);
        Assert.Equal("unsubscribe", Assert.Single(j.ExitWhen).Event);
        Assert.Equal(IsoDuration.Parse("P21D"), j.Goal!.Within);
        Assert.NotNull(j.Audience);
        Assert.Equal(12, j.Steps.Count);
        Assert.Equal(new SendStep("email", "thank-you", false, "wait3d") { Id = "thanks" }, j.Steps["thanks"]);
        var wait = Assert.IsType<WaitStep>(j.Steps["wait3d"]);
        Assert.Equal((IsoDuration?)IsoDuration.Parse("P3D"), wait.For);
        Assert.Equal(new TimeOnly(10, 0), wait.AtLocalTime);
        var until = Assert.IsType<WaitStep>(j.Steps["eve"]);
        Assert.Equal(("profile.birthday", true), (until.UntilAttribute, until.UntilOffset.Negative));
        var wfe = Assert.IsType<WaitForEventStep>(j.Steps["bought-again"]);
        Assert.Equal(("purchase", "done", "who"), (wfe.Match.Event, wfe.OnEvent, wfe.OnTimeout));
        Assert.Equal("vip", Assert.Single(Assert.IsType<BranchStep>(j.Steps["who"]).Cases).Next);
        Assert.Equal(["A", "B"], Assert.IsType<SplitStep>(j.Steps["split"]).Variants.Select(v => v.Name));
        Assert.Equal(
            [UpdateKind.Set, UpdateKind.Increment, UpdateKind.Unset, UpdateKind.AddTag, UpdateKind.RemoveTag],
            Assert.IsType<UpdateStep>(j.Steps["tag"]).Operations.Select(o => o.Kind));
        Assert.True(Assert.IsType<SendStep>(j.Steps["hook"]).Transactional);
        Assert.IsType<ExitStep>(j.Steps["done"]);
    }

    [Fact]
    public void Parse_DateAndScheduleTriggers_KeepTheirSettings()
    {
        var date = Journey(Doc(""" "a": { "type": "exit" } """, trigger: """{ "date": { "attr": "profile.birthday", "offsetDays": -3, "at": "10:00" } }"""));
        var schedule = Journey(Doc(""" "a": { "type": "exit" } """, trigger: """{ "schedule": { "at": "2026-12-01T10:00:00" } }"""));

        Assert.Equal(new DateTrigger("profile.birthday", -3, new TimeOnly(10, 0), Yearly: true), date.Trigger);
        Assert.Equal(new ScheduleTrigger(new DateTime(2026, 12, 1, 10, 0, 0), CustomerLocalTime: true, TimeZone: null), schedule.Trigger);
    }

    [Fact]
    public void Parse_UnknownStepType_NamesTheTypeAndTheKnownTypes()
    {
        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "exit" },
            "b": { "type": "sned", "next": "a" }
            """));

        HasError(result, "$.steps.b.type", "unknown step type 'sned'", "expected one of send, wait, waitForEvent, branch, split, update, exit");
    }

    [Fact]
    public void Parse_NextReferencesMissingStep_ErrorAtNext()
    {
        var result = JourneyParser.Parse(Doc(""" "a": { "type": "send", "medium": "email", "message": "m", "next": "nowhere" } """));

        HasError(result, "$.steps.a.next", "step 'nowhere' does not exist", "expected one of a");
    }

    [Fact]
    public void Parse_OnEventReferencesMissingStep_ErrorAtOnEvent()
    {
        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "waitForEvent", "event": "purchase", "timeout": "P1D", "onEvent": "gone", "onTimeout": "z" },
            "z": { "type": "exit" }
            """));

        HasError(result, "$.steps.a.onEvent", "step 'gone' does not exist", "expected one of a, z");
    }

    [Fact]
    public void Parse_BranchCaseReferencesMissingStep_ErrorAtCaseIndex()
    {
        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "branch", "cases": [ { "when": { "attr": "rfm.segment", "eq": "x" }, "next": "z" },
                                                { "when": { "attr": "rfm.segment", "eq": "y" }, "next": "missing" } ],
                   "otherwise": "z" },
            "z": { "type": "exit" }
            """));

        HasError(result, "$.steps.a.cases[1].next", "step 'missing' does not exist");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_SplitVariantReferencesMissingStep_ErrorAtVariantIndex()
    {
        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "split", "variants": [ { "weight": 1, "next": "z" }, { "weight": 1, "next": "missing" } ] },
            "z": { "type": "exit" }
            """));

        HasError(result, "$.steps.a.variants[1].next", "step 'missing' does not exist");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_StartReferencesMissingStep_ErrorAtStart()
    {
        var result = JourneyParser.Parse(Doc(""" "z": { "type": "exit" } """, start: "begin"));

        HasError(result, "$.start", "step 'begin' does not exist", "expected one of z");
    }

    [Fact]
    public void Parse_UnreachableStep_ErrorAtThatStep()
    {
        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "exit" },
            "orphan": { "type": "exit" }
            """));

        HasError(result, "$.steps.orphan", "step 'orphan' is unreachable from the start step 'a'");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_LoopWithoutWait_ErrorNamesTheLoop()
    {
        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "send", "medium": "email", "message": "m", "next": "b" },
            "b": { "type": "branch", "cases": [ { "when": { "attr": "profile.n", "lt": 3 }, "next": "u" } ], "otherwise": "z" },
            "u": { "type": "update", "increment": { "n": 1 }, "next": "b" },
            "z": { "type": "exit" }
            """));

        HasError(result, "$.steps.b", "loop with no wait in it: b -> u -> b", "add a wait or waitForEvent step");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_LoopThroughAWait_IsValid()
    {
        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "branch", "cases": [ { "when": { "attr": "profile.n", "lt": 3 }, "next": "u" } ], "otherwise": "z" },
            "u": { "type": "update", "increment": { "n": 1 }, "next": "w" },
            "w": { "type": "wait", "for": "P1D", "next": "a" },
            "z": { "type": "exit" }
            """));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void Parse_UnknownMedium_ListsTheMedia()
    {
        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "send", "medium": "fax", "message": "m", "next": "z" },
            "z": { "type": "exit" }
            """));

        HasError(result, "$.steps.a.medium", "unknown medium 'fax'", "expected one of email, line, webhook, postcard");
    }

    [Fact]
    public void Parse_UnknownMessage_ErrorAtMessage()
    {
        var messages = new Dictionary<string, MessageDocument> { ["hello"] = EmailOnly("hello") };

        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "send", "medium": "email", "message": "nope", "next": "z" },
            "z": { "type": "exit" }
            """), messages);

        HasError(result, "$.steps.a.message", "unknown message 'nope'", "expected the id of a message document");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_MessageWithoutContentForTheMedium_SaysWhichMediaItHas()
    {
        var messages = new Dictionary<string, MessageDocument> { ["hello"] = EmailOnly("hello") };

        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "send", "medium": "line", "message": "hello", "next": "z" },
            "z": { "type": "exit" }
            """), messages);

        HasError(result, "$.steps.a.message", "message 'hello' has no line content", "it has email");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_MessageWithContentForTheMedium_IsValid()
    {
        var messages = new Dictionary<string, MessageDocument> { ["hello"] = EmailOnly("hello") };

        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "send", "medium": "email", "message": "hello", "next": "z" },
            "z": { "type": "exit" }
            """), messages);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Theory]
    [InlineData("3 days")]
    [InlineData("P")]
    [InlineData("-P3D")]
    [InlineData("PT")]
    public void Parse_BadWaitDuration_ErrorAtFor(string duration)
    {
        var result = JourneyParser.Parse(Doc($$"""
            "a": { "type": "wait", "for": "{{duration}}", "next": "z" },
            "z": { "type": "exit" }
            """));

        HasError(result, "$.steps.a.for", $"'{duration}' is not a valid duration", "expected an ISO-8601 duration such as P3D");
        Assert.Single(result.Errors);
    }

    [Theory]
    [InlineData("25:00")]
    [InlineData("10am")]
    [InlineData("10:00:00")]
    public void Parse_BadTimeOfDay_ErrorAtAtLocalTime(string time)
    {
        var result = JourneyParser.Parse(Doc($$"""
            "a": { "type": "wait", "for": "P1D", "atLocalTime": "{{time}}", "next": "z" },
            "z": { "type": "exit" }
            """));

        HasError(result, "$.steps.a.atLocalTime", $"'{time}' is not a time of day", "expected HH:mm");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_BadTimeZoneInScheduleTrigger_ErrorAtTimeZone()
    {
        var result = JourneyParser.Parse(Doc(""" "a": { "type": "exit" } """,
            trigger: """{ "schedule": { "at": "2026-12-01T10:00", "localTime": false, "timeZone": "Mars/Olympus" } }"""));

        HasError(result, "$.trigger.schedule.timeZone", "'Mars/Olympus' is not a known IANA time zone", "expected a name such as Asia/Tokyo");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_ZeroSplitWeight_SaysPositiveWeightExpected()
    {
        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "split", "variants": [ { "weight": 0, "next": "z" }, { "weight": 1, "next": "z" } ] },
            "z": { "type": "exit" }
            """));

        HasError(result, "$.steps.a.variants[0].weight", "expected a positive weight");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_NegativeSplitWeight_ErrorAtWeight()
    {
        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "split", "variants": [ { "weight": 50, "next": "z" }, { "weight": -5, "next": "z" } ] },
            "z": { "type": "exit" }
            """));

        HasError(result, "$.steps.a.variants[1].weight", "expected", "found the number -5");
        Assert.Single(result.Errors);
    }

    /// <summary>
    /// BUG: for a negative weight the message reads "expected a number from 0 to 1000000", which tells the marketer that 0 is
    /// acceptable; 0 is then rejected with "expected a positive weight". Both should say a positive weight is expected.
    /// </summary>
    [Fact]
    public void Parse_NegativeSplitWeight_SaysPositiveWeightExpected()
    {
        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "split", "variants": [ { "weight": 50, "next": "z" }, { "weight": -5, "next": "z" } ] },
            "z": { "type": "exit" }
            """));

        HasError(result, "$.steps.a.variants[1].weight", "positive");
    }

    [Fact]
    public void Parse_ConditionWithUnknownOperator_ListsTheOperators()
    {
        var result = JourneyParser.Parse(Doc(""" "a": { "type": "exit" } """,
            trigger: """{ "event": "purchase", "where": { "attr": "event.amount", "greaterThan": 5000 } }"""));

        HasError(result, "$.trigger.where.greaterThan", "unknown operator 'greaterThan'", "expected one of eq, ne, gt, gte, lt, lte, in, contains, exists, olderThan, withinLast");
        Assert.Single(result.Errors);
    }

    [Theory]
    [InlineData("""{ "attr": "event.amount", "gt": [1, 2] }""", "$.audience.gt", "expected a number or an ISO-8601 date/time string", "found an array")]
    [InlineData("""{ "attr": "rfm.segment", "in": "champions" }""", "$.audience.in", "expected an array of strings, numbers or booleans", "found the string \"champions\"")]
    [InlineData("""{ "attr": "profile.email", "exists": "yes" }""", "$.audience.exists", "expected true or false", "found the string \"yes\"")]
    [InlineData("""{ "attr": "profile.lastOrder", "olderThan": "90 days" }""", "$.audience.olderThan", "expected an ISO-8601 duration such as P90D", "found the string \"90 days\"")]
    [InlineData("""{ "attr": "profile.lastOrder", "olderThan": 90 }""", "$.audience.olderThan", "expected an ISO-8601 duration", "found the number 90")]
    [InlineData("""{ "attr": "rfm.segment", "in": { "ref": "profile.x" } }""", "$.audience.in", "expected an array", "found an object")]
    public void Parse_ConditionOperandOfWrongType_SaysWhatTheOperatorExpects(string condition, string path, string expected, string found)
    {
        var result = JourneyParser.Parse(Doc(""" "a": { "type": "exit" } """, extra: $$""" "audience": {{condition}}, """));

        HasError(result, path, expected, found);
        Assert.Single(result.Errors);
    }

    [Theory]
    [InlineData("profle.email")]
    [InlineData("customer.email")]
    [InlineData("profile")]
    [InlineData("event.")]
    public void Parse_UnknownPathRoot_ErrorAtAttrListingRoots(string attr)
    {
        var result = JourneyParser.Parse(Doc(""" "a": { "type": "exit" } """, extra: $$""" "audience": { "attr": "{{attr}}", "eq": 1 }, """));

        HasError(result, "$.audience.attr", $"'{attr}' is not a known path", "expected one starting with profile., event., trigger.");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_UnknownPathInRef_ErrorAtRef()
    {
        var result = JourneyParser.Parse(Doc(""" "a": { "type": "exit" } """, extra: """ "audience": { "attr": "event.cartId", "eq": { "ref": "trigerr.cartId" } }, """));

        HasError(result, "$.audience.eq.ref", "'trigerr.cartId' is not a known path");
    }

    [Fact]
    public void Parse_UnknownTopLevelProperty_ErrorNamesItAndTheKnownOnes()
    {
        var result = JourneyParser.Parse(Doc(""" "a": { "type": "exit" } """, extra: """ "holdoutPercnt": 10, """));

        HasError(result, "$.holdoutPercnt", "unknown property 'holdoutPercnt'", "expected one of: $schema, id, name", "holdoutPercent");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_UnknownPropertyInStep_ErrorAtThatProperty()
    {
        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "wait", "for": "P1D", "nxt": "z", "next": "z" },
            "z": { "type": "exit" }
            """));

        HasError(result, "$.steps.a.nxt", "unknown property 'nxt'", "expected one of: type, for, atLocalTime, until, next");
        Assert.Single(result.Errors);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{ \"id\": ")]
    [InlineData("")]
    public void Parse_NotJson_SingleErrorAtRoot(string text)
    {
        var result = JourneyParser.Parse(text);

        Assert.Null(result.Value);
        var error = Assert.Single(result.Errors);
        Assert.Equal("$", error.Path);
        Assert.StartsWith("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JsonArrayInsteadOfObject_ExpectedAJourneyObject()
    {
        var result = JourneyParser.Parse("[1, 2]");

        HasError(result, "$", "expected a journey (a JSON object), found an array");
    }

    [Fact]
    public void Parse_MissingRequiredFields_EachNamed()
    {
        var result = JourneyParser.Parse("{}");

        HasError(result, "$.id", "is required");
        HasError(result, "$.name", "is required");
        HasError(result, "$.trigger", "is required");
        HasError(result, "$.start", "is required");
        HasError(result, "$.steps", "is required");
        Assert.Equal(5, result.Errors.Count);
    }

    [Fact]
    public void Parse_SeveralIndependentMistakes_ReportsEveryOneAtOnce()
    {
        // Arrange: eight independent mistakes, none of which causes another.
        var json = """
            {
              "id": "many-mistakes",
              "name": "Many mistakes",
              "colour": "red",
              "trigger": { "event": "purchase", "where": { "attr": "event.amount", "over": 5000 } },
              "audience": { "attr": "profle.email", "exists": true },
              "start": "a",
              "steps": {
                "a": { "type": "send", "medium": "email", "message": "m", "nxt": "b", "next": "b" },
                "b": { "type": "wait", "for": "3 days", "next": "c" },
                "c": { "type": "split", "variants": [ { "weight": 0, "next": "d" }, { "weight": 1, "next": "d" } ] },
                "d": { "type": "branch", "cases": [ { "when": { "attr": "rfm.segment", "eq": "x" }, "next": "nowhere" } ], "otherwise": "z" },
                "z": { "type": "exit" },
                "orphan": { "type": "exit" }
              }
            }
            """;

        // Act
        var result = JourneyParser.Parse(json);

        // Assert
        Assert.Null(result.Value);
        string[] expected =
        [
            "$.audience.attr", "$.colour", "$.steps.a.nxt", "$.steps.b.for", "$.steps.c.variants[0].weight",
            "$.steps.d.cases[0].next", "$.steps.orphan", "$.trigger.where.over",
        ];
        Assert.Equal(expected, result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Equal(8, result.Errors.Count);
    }

    /// <summary>
    /// BUG: a step that exists in the document but fails to parse (here: an unknown medium) is dropped before the graph check, so
    /// every reference to it is reported as "step 'mail' does not exist" and the steps after it as unreachable. One mistake gives
    /// three errors, two of them false.
    /// </summary>
    [Fact]
    public void Parse_InvalidStepReferencedByOthers_ReportsOnlyTheRealMistake()
    {
        var result = JourneyParser.Parse(Doc("""
            "a": { "type": "send", "medium": "fax", "message": "m", "next": "z" },
            "z": { "type": "exit" }
            """));

        var error = Assert.Single(result.Errors);
        Assert.Equal("$.steps.a.medium", error.Path);
    }

    /// <summary>BUG: a duration whose number does not fit an int makes the parser throw instead of reporting an error.</summary>
    [Fact]
    public void Parse_DurationNumberTooLarge_ReportsErrorInsteadOfThrowing()
    {
        var json = Doc("""
            "a": { "type": "wait", "for": "P99999999999D", "next": "z" },
            "z": { "type": "exit" }
            """);

        var result = JourneyParser.Parse(json);

        HasError(result, "$.steps.a.for", "not a valid duration");
    }

    /// <summary>BUG: a wait the calendar cannot hold is accepted by validation, and every customer reaching it crashes the step function.</summary>
    [Fact]
    public void Parse_WaitLongerThanTheCalendar_IsRejected()
    {
        var json = Doc("""
            "a": { "type": "wait", "for": "P10000Y", "next": "z" },
            "z": { "type": "exit" }
            """);

        var result = JourneyParser.Parse(json);

        HasError(result, "$.steps.a.for");
    }

    private static MessageDocument EmailOnly(string id) =>
        new() { Id = id, Email = new EmailContent("Hi", "<p>Hi</p>", null, null, null, null, null) };
}
