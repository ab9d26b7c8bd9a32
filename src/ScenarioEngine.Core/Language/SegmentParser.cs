using System.Text.Json;

namespace ScenarioEngine.Core.Language;

/// <summary>Parses and validates segment documents (<c>{"id", "name", "description"?, "when"}</c>), reporting every problem with its JSON path.</summary>
public static class SegmentParser
{
    private static readonly string[] TopLevel = ["$schema", "id", "name", "description", "when"];

    /// <summary>Parses a segment; ids in <paramref name="reservedIds"/> (such as the RFM segment ids the analytics job uses) are refused.</summary>
    public static ParseResult<Segment> Parse(string json, IReadOnlySet<string>? reservedIds = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            return new ParseResult<Segment>(null, [new ValidationError("$", $"not valid JSON: {ex.Message}")]);
        }

        using (doc)
        {
            return Parse(doc.RootElement, reservedIds);
        }
    }

    /// <summary>Parses a segment from a JSON element.</summary>
    public static ParseResult<Segment> Parse(JsonElement root, IReadOnlySet<string>? reservedIds = null)
    {
        if (JsonUnicode.FindLoneSurrogate(root) is { } unreadable)
        {
            return new ParseResult<Segment>(null, [unreadable]);
        }

        var w = new JsonWalker();
        if (!w.IsObject(root, "$", "a segment"))
        {
            return new ParseResult<Segment>(null, w.Errors);
        }

        w.OnlyKnown(root, "$", TopLevel);
        var id = w.Id(root, "$", "id", required: true);
        if (id is not null && reservedIds is not null && reservedIds.Contains(id))
        {
            w.Error("$.id", $"'{id}' is reserved: the analytics job already emits segment events for it (an RFM segment); choose another id");
        }

        var name = w.String(root, "$", "name", required: true);
        var description = w.String(root, "$", "description", required: false);
        Condition? when = null;
        if (!root.TryGetProperty("when", out var c))
        {
            w.Error("$.when", "is required: expected a condition on the customer");
        }
        else
        {
            when = ConditionParser.Parse(w, c, "$.when");
            NoEventPaths(w, c, "$.when", insideCount: false);
        }

        if (w.Errors.Count > 0 || id is null || name is null || when is null)
        {
            return new ParseResult<Segment>(null, w.Errors);
        }

        return new ParseResult<Segment>(new Segment { Id = id, Name = name, Description = description, When = when }, w.Errors);
    }

    /// <summary>Membership is a property of the customer, not of an event: event.* and trigger.* exist only inside a count's "where".</summary>
    private static void NoEventPaths(JsonWalker w, JsonElement e, string path, bool insideCount)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    var child = JsonWalker.Child(path, p.Name);
                    if (p.Name is "attr" or "ref" && p.Value.ValueKind == JsonValueKind.String && !insideCount)
                    {
                        var value = p.Value.GetString()!;
                        var root = value.Split('.')[0];
                        if (root is "event" or "trigger")
                        {
                            w.Error(child, $"'{value}' is always missing in a segment: membership does not depend on one event; " +
                                "use a count condition ({\"count\": {\"event\": ..., \"within\": ..., \"where\": ...}, \"gte\": n}) to look at behaviour");
                        }
                    }

                    NoEventPaths(w, p.Value, child, insideCount || (p.Name == "where" && path.EndsWith(".count", StringComparison.Ordinal)));
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    NoEventPaths(w, item, $"{path}[{i++}]", insideCount);
                }

                break;
        }
    }
}
