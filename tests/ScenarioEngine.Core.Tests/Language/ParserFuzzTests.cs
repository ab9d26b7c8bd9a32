using System.Text;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Testing.Fuzz;

namespace ScenarioEngine.Core.Tests.Language;

/// <summary>
/// The journey, message and segment parsers under hostile JSON (<see cref="JsonFuzz"/>, fixed seed): they never throw, and they
/// either return a document with no error or no document with errors that each carry a JSON path.
/// </summary>
public sealed class ParserFuzzTests
{
    private const int Cases = 1500;

    private static readonly string[] JourneyKeys =
    [
        "trigger", "event", "where", "segment", "on", "date", "offsetDays", "at", "yearly", "schedule", "localTime", "timeZone", "start",
        "steps", "medium", "message", "next", "for", "atLocalTime", "until", "untilAttribute", "untilOffset", "timeout", "onEvent",
        "onTimeout", "cases", "when", "otherwise", "variants", "weight", "addTags", "removeTags", "increment", "set", "reentry", "mode",
        "cooldown", "goal", "within", "exitWhen", "audience", "holdoutPercent", "attr", "eq", "ne", "gt", "gte", "lt", "lte", "in",
        "contains", "exists", "all", "any", "not", "ref", "transactional", "count", "within", "withinLast",
    ];

    private static readonly string[] MessageKeys =
        ["email", "subject", "html", "text", "templateId", "from", "replyTo", "unsubscribeGroup", "line", "webhook", "payload", "postcard", "fields", "greeting"];

    private static readonly string[] SegmentKeys = ["description", "when", "attr", "eq", "gte", "lt", "in", "contains", "exists", "all", "any", "not", "count", "event", "within"];

    private static readonly IReadOnlyDictionary<string, MessageDocument> SampleMessages =
        JsonFuzz.Samples("messages").Select(m => MessageParser.Parse(m).Value!).ToDictionary(m => m.Id, StringComparer.Ordinal);

    [Fact]
    public void JourneyParser_HostileJson_NeverThrowsAndExplainsEveryRefusal()
    {
        var cases = JsonFuzz.Cases(JsonFuzz.Documents(JsonFuzz.Samples("journeys"), JourneyKeys), Cases);

        AssertAll(cases, json =>
        {
            Check(JourneyParser.Parse(json));
            Check(JourneyParser.Parse(json, SampleMessages));
        });
    }

    [Fact]
    public void MessageParser_HostileJson_NeverThrowsAndExplainsEveryRefusal()
    {
        var cases = JsonFuzz.Cases(JsonFuzz.Documents(JsonFuzz.Samples("messages"), MessageKeys), Cases);

        AssertAll(cases, json => Check(MessageParser.Parse(json)));
    }

    [Fact]
    public void SegmentParser_HostileJson_NeverThrowsAndExplainsEveryRefusal()
    {
        var cases = JsonFuzz.Cases(JsonFuzz.Documents(JsonFuzz.Samples("segments"), SegmentKeys), Cases);

        AssertAll(cases, json => Check(SegmentParser.Parse(json, new HashSet<string>(["champions"], StringComparer.Ordinal))));
    }

    [Fact]
    public void Cases_SameSeed_SameDocuments()
    {
        var gen = JsonFuzz.Documents(JsonFuzz.Samples("segments"), SegmentKeys);

        Assert.Equal(50, JsonFuzz.Cases(gen, 50).Length);
        Assert.Equal(JsonFuzz.Cases(gen, 50), JsonFuzz.Cases(gen, 50));
    }

    [Theory]
    [InlineData("""{ "id": "m", "line": { "text": "a\uD800" } }""", "$.line.text")]
    [InlineData("""{ "id": "m", "line": { "text": "x" }, "webhook": { "payload": { "k": ["ok", "\uDC00"] } } }""", "$.webhook.payload.k[1]")]
    [InlineData("""{ "id": "m", "postcard": { "fields": { "\uD800": "x" } } }""", "$.postcard.fields (property 0)")]
    public void MessageParser_LoneSurrogateEscape_RefusedAtItsPath(string json, string path)
    {
        var result = MessageParser.Parse(json);

        Assert.Null(result.Value);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
    }

    private static void Check<T>(ParseResult<T> result)
        where T : class
    {
        if (result.Value is null)
        {
            Assert.NotEmpty(result.Errors);
        }

        Assert.All(result.Errors, e =>
        {
            Assert.StartsWith("$", e.Path, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        });
    }

    /// <summary>Runs every case and reports each failing one by its number (replayable: the cases come from a fixed seed).</summary>
    private static void AssertAll(string[] cases, Action<string> check)
    {
        var failures = new StringBuilder();
        var failed = 0;
        for (var i = 0; i < cases.Length; i++)
        {
            try
            {
                check(cases[i]);
            }
#pragma warning disable CA1031 // Every failure of a case is collected and reported below.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (++failed <= 5)
                {
                    failures.AppendLine($"case {i}: {ex.GetType().Name}: {ex.Message}\n  {JsonFuzz.Describe(cases[i])}\n  {ex.StackTrace?.Split('\n').FirstOrDefault()}");
                }
            }
        }

        Assert.True(failed == 0, $"{failed} of {cases.Length} cases failed (seed {JsonFuzz.Seed}):\n{failures}");
    }
}
