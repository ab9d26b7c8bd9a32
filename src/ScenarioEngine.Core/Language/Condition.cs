using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Core.Language;

/// <summary>A condition over a customer, an event and computed values, written as JSON by marketers.</summary>
public abstract record Condition
{
    /// <summary>Evaluates the condition in a context.</summary>
    public abstract bool Evaluate(in EvaluationContext context);

    /// <summary>A human-readable rendering, used in "why" explanations.</summary>
    public abstract string Describe();
}

/// <summary>True when every inner condition is true (true when empty).</summary>
public sealed record AllCondition(IReadOnlyList<Condition> Conditions) : Condition
{
    /// <inheritdoc />
    public override bool Evaluate(in EvaluationContext context)
    {
        foreach (var c in Conditions)
        {
            if (!c.Evaluate(context))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string Describe() => "(" + string.Join(" and ", Conditions.Select(c => c.Describe())) + ")";
}

/// <summary>True when at least one inner condition is true (false when empty).</summary>
public sealed record AnyCondition(IReadOnlyList<Condition> Conditions) : Condition
{
    /// <inheritdoc />
    public override bool Evaluate(in EvaluationContext context)
    {
        foreach (var c in Conditions)
        {
            if (c.Evaluate(context))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string Describe() => "(" + string.Join(" or ", Conditions.Select(c => c.Describe())) + ")";
}

/// <summary>Negates the inner condition.</summary>
public sealed record NotCondition(Condition Inner) : Condition
{
    /// <inheritdoc />
    public override bool Evaluate(in EvaluationContext context) => !Inner.Evaluate(context);

    /// <inheritdoc />
    public override string Describe() => "not " + Inner.Describe();
}

/// <summary>The comparison operators of the condition language.</summary>
public enum CompareOp
{
    /// <summary>Equal.</summary>
    Eq,
    /// <summary>Not equal.</summary>
    Ne,
    /// <summary>Greater than (numbers, or times).</summary>
    Gt,
    /// <summary>Greater or equal.</summary>
    Gte,
    /// <summary>Less than.</summary>
    Lt,
    /// <summary>Less or equal.</summary>
    Lte,
    /// <summary>The attribute's value is one of a list.</summary>
    In,
    /// <summary>The attribute (a list or a string) contains the operand.</summary>
    Contains,
    /// <summary>The attribute exists (operand true) or does not (operand false).</summary>
    Exists,
    /// <summary>The attribute is a time more than a duration before now.</summary>
    OlderThan,
    /// <summary>The attribute is a time within a duration before now.</summary>
    WithinLast,
}

/// <summary>The right-hand side of a comparison: a literal, a reference to another path, or a duration.</summary>
public readonly record struct Operand(Value Literal, string? Reference, IsoDuration Duration)
{
    /// <summary>Resolves the operand in a context.</summary>
    public Value Resolve(in EvaluationContext context) => Reference is null ? Literal : context.Resolve(Reference);
}

/// <summary>Compares the value at a path with an operand.</summary>
public sealed record CompareCondition(string Path, CompareOp Op, Operand Operand) : Condition
{
    /// <inheritdoc />
    public override bool Evaluate(in EvaluationContext context)
    {
        var left = context.Resolve(Path);
        switch (Op)
        {
            case CompareOp.Exists:
                return left.IsNull != Operand.Literal.AsBool;
            case CompareOp.OlderThan:
            case CompareOp.WithinLast:
                if (!left.TryGetTime(out var t))
                {
                    return false;
                }

                var boundary = Operand.Duration.SubtractFrom(context.Now);
                return Op == CompareOp.OlderThan ? t < boundary : t >= boundary && t <= context.Now;
        }

        var right = Operand.Resolve(context);
        return Op switch
        {
            CompareOp.Eq => ValueComparer.AreEqual(left, right),
            CompareOp.Ne => !ValueComparer.AreEqual(left, right),
            CompareOp.In => AnyEqual(right.AsList, left),
            CompareOp.Contains => left.Kind switch
            {
                ValueKind.List => AnyEqual(left.AsList, right),
                ValueKind.String => right.Kind == ValueKind.String && left.AsString!.Contains(right.AsString!, StringComparison.Ordinal),
                _ => false,
            },
            _ => ValueComparer.TryCompare(left, right, out var c) && Op switch
            {
                CompareOp.Gt => c > 0,
                CompareOp.Gte => c >= 0,
                CompareOp.Lt => c < 0,
                _ => c <= 0,
            },
        };
    }

    // A loop rather than LINQ with a lambda: the lambda's captures made a closure object on every evaluation, whatever the operator.
    private static bool AnyEqual(IReadOnlyList<Value> items, Value value)
    {
        foreach (var item in items)
        {
            if (ValueComparer.AreEqual(value, item))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string Describe() => Op switch
    {
        CompareOp.Exists => $"{Path} {(Operand.Literal.AsBool ? "exists" : "does not exist")}",
        CompareOp.OlderThan => $"{Path} older than {Operand.Duration}",
        CompareOp.WithinLast => $"{Path} within last {Operand.Duration}",
        _ => $"{Path} {Op.ToString().ToLowerInvariant()} {(Operand.Reference ?? Operand.Literal.ToString())}",
    };
}

/// <summary>
/// Behaviour in a window: the number of the customer's recent events of a type (within a duration before now, optionally
/// satisfying <see cref="Where"/> on <c>event.*</c>) compared with a number. With <see cref="SameProperty"/>, the largest count
/// over the values of that event property ("viewed the same product 3 times in 7 days"). Evaluated against the profile's
/// <see cref="CustomerProfile.RecentEvents"/>.
/// </summary>
public sealed record CountCondition(string Event, IsoDuration Within, Condition? Where, string? SameProperty, CompareOp Op, double Operand) : Condition
{
    /// <summary>The operators a count may use.</summary>
    public static readonly IReadOnlyList<CompareOp> Operators = [CompareOp.Eq, CompareOp.Gt, CompareOp.Gte, CompareOp.Lt, CompareOp.Lte];

    /// <summary>The count in a context: matching events at or after now minus the window (the largest group with <see cref="SameProperty"/>).</summary>
    public int Count(in EvaluationContext context)
    {
        var boundary = Within.SubtractFrom(context.Now);
        var profile = context.Profile;
        Dictionary<string, int>? groups = SameProperty is null ? null : new Dictionary<string, int>(StringComparer.Ordinal);
        var count = 0;
        foreach (var r in profile.RecentEvents)
        {
            if (r.At < boundary || !string.Equals(r.Type, Event, StringComparison.Ordinal))
            {
                continue;
            }

            if (Where is not null && !Where.Evaluate(new EvaluationContext(profile, r.ToEvent(profile.CustomerId), context.Trigger, context.Now)))
            {
                continue;
            }

            if (groups is null)
            {
                count++;
                continue;
            }

            if (!r.Properties.TryGetValue(SameProperty!, out var v) || GroupKey(v) is not { } key)
            {
                continue;
            }

            var n = groups.GetValueOrDefault(key) + 1;
            groups[key] = n;
            count = Math.Max(count, n);
        }

        return count;
    }

    /// <inheritdoc />
    public override bool Evaluate(in EvaluationContext context)
    {
        var c = ((double)Count(context)).CompareTo(Operand);
        return Op switch
        {
            CompareOp.Eq => c == 0,
            CompareOp.Gt => c > 0,
            CompareOp.Gte => c >= 0,
            CompareOp.Lt => c < 0,
            CompareOp.Lte => c <= 0,
            _ => false,
        };
    }

    /// <inheritdoc />
    public override string Describe() =>
        $"count of {Event} within {Within}" + (Where is null ? "" : " where " + Where.Describe()) +
        (SameProperty is null ? "" : $" with the same {SameProperty}") +
        $" {Op.ToString().ToLowerInvariant()} {Operand.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Numbers and numeric strings group together ("42" and 42); null and lists do not group.</summary>
    private static string? GroupKey(Value v) => v.Kind switch
    {
        ValueKind.Number or ValueKind.String when v.TryGetNumber(out var n) => "n" + n.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ValueKind.String => "s" + v.AsString,
        ValueKind.Bool => v.AsBool ? "true" : "false",
        _ => null,
    };
}

/// <summary>Equality and ordering across value kinds: numbers compare numerically, ISO times as times, strings ordinally.</summary>
public static class ValueComparer
{
    /// <summary>Equality, lenient between numbers and numeric strings.</summary>
    public static bool AreEqual(Value left, Value right)
    {
        if (left.Kind == right.Kind)
        {
            return left.Equals(right);
        }

        return left.TryGetNumber(out var a) && right.TryGetNumber(out var b) && a.Equals(b);
    }

    /// <summary>Orders two values when they are comparable (both numbers, both times, or both strings).</summary>
    public static bool TryCompare(Value left, Value right, out int comparison)
    {
        comparison = 0;
        if (left.IsNull || right.IsNull)
        {
            return false;
        }

        if ((left.Kind == ValueKind.Number || right.Kind == ValueKind.Number) && left.TryGetNumber(out var a) && right.TryGetNumber(out var b))
        {
            comparison = a.CompareTo(b);
            return true;
        }

        if (left.TryGetTime(out var ta) && right.TryGetTime(out var tb))
        {
            comparison = ta.CompareTo(tb);
            return true;
        }

        if (left.Kind == ValueKind.String && right.Kind == ValueKind.String)
        {
            comparison = string.CompareOrdinal(left.AsString, right.AsString);
            return true;
        }

        return false;
    }
}
