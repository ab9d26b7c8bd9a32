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

        if (!JsonWalker.Has(e, "attr"))
        {
            w.Error(path, "expected a condition: an object with \"all\", \"any\", \"not\", or \"attr\" and one operator (" + OperatorList + ")");
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
        if (!EvaluationContext.Roots.Contains(root) || (dot < 0 && root != "tags") || s.EndsWith('.'))
        {
            w.Error(JsonWalker.Child(path, name),
                $"'{s}' is not a known path: expected one starting with {string.Join(", ", EvaluationContext.Roots.Select(r => r == "tags" ? "tags" : r + "."))}");
            return null;
        }

        return s;
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
