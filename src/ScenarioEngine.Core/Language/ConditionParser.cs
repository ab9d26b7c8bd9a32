using System.Text.Json;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Core.Language;

/// <summary>Parses the JSON condition language: all / any / not, or an attribute path with one operator.</summary>
internal static class ConditionParser
{
    private static readonly Dictionary<string, CompareOp> Operators = new(StringComparer.Ordinal)
    {
        ["eq"] = CompareOp.Eq, ["ne"] = CompareOp.Ne, ["gt"] = CompareOp.Gt, ["gte"] = CompareOp.Gte,
        ["lt"] = CompareOp.Lt, ["lte"] = CompareOp.Lte, ["in"] = CompareOp.In, ["contains"] = CompareOp.Contains,
        ["exists"] = CompareOp.Exists, ["olderThan"] = CompareOp.OlderThan, ["withinLast"] = CompareOp.WithinLast,
    };

    private static readonly string OperatorList = string.Join(", ", Operators.Keys);

    public static Condition? Parse(JsonWalker w, JsonElement e, string path)
    {
        if (!w.IsObject(e, path, "a condition"))
        {
            return null;
        }

        if (JsonWalker.Has(e, "all") || JsonWalker.Has(e, "any"))
        {
            var key = JsonWalker.Has(e, "all") ? "all" : "any";
            w.OnlyKnown(e, path, key);
            var list = e.GetProperty(key);
            var p = $"{path}.{key}";
            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            {
                w.Error(p, $"expected a non-empty array of conditions, found {JsonWalker.Describe(list)}");
                return null;
            }

            var items = list.EnumerateArray().Select((c, i) => Parse(w, c, $"{p}[{i}]")).ToList();
            if (items.Any(c => c is null))
            {
                return null;
            }

            return key == "all" ? new AllCondition(items!) : new AnyCondition(items!);
        }

        if (JsonWalker.Has(e, "not"))
        {
            w.OnlyKnown(e, path, "not");
            var inner = Parse(w, e.GetProperty("not"), $"{path}.not");
            return inner is null ? null : new NotCondition(inner);
        }

        if (JsonWalker.Has(e, "count") && !JsonWalker.Has(e, "attr"))
        {
            return ParseCount(w, e, path);
        }

        if (!JsonWalker.Has(e, "attr"))
        {
            w.Error(path, "expected a condition: an object with \"all\", \"any\", \"not\", \"count\" and one of " + CountOperatorList +
                ", or \"attr\" and one operator (" + OperatorList + ")");
            return null;
        }

        var attr = ParsePath(w, e, path, "attr");
        var ops = e.EnumerateObject().Where(p => p.Name != "attr").ToList();
        if (ops.Count != 1)
        {
            w.Error(path, ops.Count == 0
                ? $"expected one operator beside \"attr\": one of {OperatorList}"
                : $"expected exactly one operator beside \"attr\", found {ops.Count}: {string.Join(", ", ops.Select(o => o.Name))}");
            return null;
        }

        var op = ops[0];
        var opPath = JsonWalker.Child(path, op.Name);
        if (!Operators.TryGetValue(op.Name, out var kind))
        {
            w.Error(opPath, $"unknown operator '{op.Name}'; expected one of {OperatorList}");
            return null;
        }

        var operand = ParseOperand(w, kind, op.Value, opPath);
        return attr is null || operand is null ? null : new CompareCondition(attr, kind, operand.Value);
    }

    public static string? ParsePath(JsonWalker w, JsonElement obj, string path, string name)
    {
        var s = w.String(obj, path, name, required: true, "a path such as profile.email, event.amount or rfm.segment");
        if (s is null)
        {
            return null;
        }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var root = dot < 0 ? s : s[..dot];
        if (!EvaluationContext.Roots.Contains(root) || (dot < 0 && !EvaluationContext.WholeRoots.Contains(root)) || s.EndsWith('.'))
        {
            w.Error(JsonWalker.Child(path, name),
                $"'{s}' is not a known path: expected one starting with {string.Join(", ", EvaluationContext.Roots.Select(r => r == "tags" ? "tags" : r + "."))} (tags and segments also stand alone)");
            return null;
        }

        return s;
    }

    private static readonly Dictionary<string, CompareOp> CountOperators = new(StringComparer.Ordinal)
    {
        ["eq"] = CompareOp.Eq, ["gt"] = CompareOp.Gt, ["gte"] = CompareOp.Gte, ["lt"] = CompareOp.Lt, ["lte"] = CompareOp.Lte,
    };

    private static readonly string CountOperatorList = string.Join(", ", CountOperators.Keys);

    private static readonly string LogLimit =
        $"the recent-event log keeps at most {RecentEventLog.MaxEvents} events of the last {RecentEventLog.MaxAge.TotalDays.ToString(System.Globalization.CultureInfo.InvariantCulture)} days";

    /// <summary>{"count": {"event", "within", "where"?, "sameProperty"?}, "gte"|"gt"|"lte"|"lt"|"eq": n}.</summary>
    private static CountCondition? ParseCount(JsonWalker w, JsonElement e, string path)
    {
        var ops = e.EnumerateObject().Where(p => p.Name != "count").ToList();
        CompareOp? op = null;
        double? operand = null;
        if (ops.Count != 1)
        {
            w.Error(path, ops.Count == 0
                ? $"expected one operator beside \"count\": one of {CountOperatorList}"
                : $"expected exactly one operator beside \"count\", found {ops.Count}: {string.Join(", ", ops.Select(o => o.Name))}");
        }
        else
        {
            var p = ops[0];
            var opPath = JsonWalker.Child(path, p.Name);
            if (!CountOperators.TryGetValue(p.Name, out var kind))
            {
                w.Error(opPath, $"unknown operator '{p.Name}' for a count; expected one of {CountOperatorList}");
            }
            else if (p.Value.ValueKind != JsonValueKind.Number || p.Value.GetDouble() is var n && (n < 0 || n != Math.Floor(n)))
            {
                w.Error(opPath, $"expected a whole number of events (0 or more), found {JsonWalker.Describe(p.Value)}");
            }
            else if (p.Value.GetDouble() > RecentEventLog.MaxEvents)
            {
                w.Error(opPath, $"a count above {RecentEventLog.MaxEvents} can never be reached: {LogLimit}");
            }
            else
            {
                op = kind;
                operand = p.Value.GetDouble();
            }
        }

        var c = e.GetProperty("count");
        var cp = path + ".count";
        if (!w.IsObject(c, cp, "a count: {\"event\": type, \"within\": duration, \"where\"?: condition, \"sameProperty\"?: name}"))
        {
            return null;
        }

        w.OnlyKnown(c, cp, "event", "within", "where", "sameProperty");
        var type = w.String(c, cp, "event", required: true, "an event type such as product.viewed");
        var within = w.Duration(c, cp, "within", required: true);
        if (within is { } d && d.Approximate > RecentEventLog.MaxAge)
        {
            w.Error(cp + ".within", $"'{d}' is longer than the recent-event log keeps: {LogLimit}; use at most P90D");
            within = null;
        }

        var where = c.TryGetProperty("where", out var x) ? Parse(w, x, cp + ".where") : null;
        var same = w.String(c, cp, "sameProperty", required: false, "an event property name such as productId");
        if (same is not null && same.StartsWith("event.", StringComparison.Ordinal))
        {
            same = same["event.".Length..];
        }

        if (type is null || within is null || op is null || operand is null || (c.TryGetProperty("where", out _) && where is null))
        {
            return null;
        }

        return new CountCondition(type, within.Value, where, same, op.Value, operand.Value);
    }

    private static Operand? ParseOperand(JsonWalker w, CompareOp op, JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.Object)
        {
            if (op is CompareOp.Exists or CompareOp.OlderThan or CompareOp.WithinLast or CompareOp.In)
            {
                w.Error(path, $"expected {ExpectedFor(op)}, found an object");
                return null;
            }

            w.OnlyKnown(v, path, "ref");
            var r = ParsePath(w, v, path, "ref");
            return r is null ? null : new Operand(Value.Null, r, default);
        }

        switch (op)
        {
            case CompareOp.Exists when v.ValueKind is JsonValueKind.True or JsonValueKind.False:
                return new Operand(Value.From(v.GetBoolean()), null, default);
            case CompareOp.OlderThan or CompareOp.WithinLast
                when v.ValueKind == JsonValueKind.String && IsoDuration.TryParse(v.GetString(), out var d) && !d.Negative && !d.IsZero:
                return new Operand(Value.Null, null, d);
            case CompareOp.In when v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(IsScalar):
                return new Operand(Value.FromJson(v), null, default);
            case CompareOp.Gt or CompareOp.Gte or CompareOp.Lt or CompareOp.Lte when v.ValueKind is JsonValueKind.Number or JsonValueKind.String:
                return new Operand(Value.FromJson(v), null, default);
            case CompareOp.Eq or CompareOp.Ne or CompareOp.Contains when IsScalar(v):
                return new Operand(Value.FromJson(v), null, default);
            default:
                w.Error(path, $"expected {ExpectedFor(op)}, found {JsonWalker.Describe(v)}");
                return null;
        }
    }

    private static bool IsScalar(JsonElement e) =>
        e.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null;

    private static string ExpectedFor(CompareOp op) => op switch
    {
        CompareOp.Exists => "true or false",
        CompareOp.OlderThan or CompareOp.WithinLast => "an ISO-8601 duration such as P90D",
        CompareOp.In => "an array of strings, numbers or booleans",
        CompareOp.Gt or CompareOp.Gte or CompareOp.Lt or CompareOp.Lte => "a number or an ISO-8601 date/time string, or {\"ref\": path}",
        _ => "a string, number, boolean or null, or {\"ref\": path}",
    };
}
