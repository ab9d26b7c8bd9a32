using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Core.Language;

/// <summary>What a condition can see: the profile, the current event, the event that started the journey, and now.</summary>
public readonly struct EvaluationContext
{
    /// <summary>The path roots a condition may start with.</summary>
    public static readonly IReadOnlySet<string> Roots = new HashSet<string>(StringComparer.Ordinal)
    {
        "profile", "event", "trigger", "consent", "tags", "suppressed", "rfm", "orders", "clv", "nps", "lead", "segments",
    };

    /// <summary>The roots that are also paths on their own: tags (the tag list) and segments (the ids of the segments the customer is in).</summary>
    public static readonly IReadOnlySet<string> WholeRoots = new HashSet<string>(StringComparer.Ordinal) { "tags", "segments" };

    /// <summary>The roots whose values are computed by analytics and kept in <see cref="CustomerProfile.Computed"/>.</summary>
    public static readonly IReadOnlySet<string> ComputedRoots = new HashSet<string>(StringComparer.Ordinal)
    {
        "rfm", "orders", "clv", "nps", "lead", "segments",
    };

    /// <summary>Creates a context.</summary>
    public EvaluationContext(CustomerProfile profile, CustomerEvent? currentEvent, IReadOnlyDictionary<string, Value>? trigger, DateTimeOffset now)
    {
        Profile = profile;
        Event = currentEvent;
        Trigger = trigger;
        Now = now;
    }

    /// <summary>The customer's profile.</summary>
    public CustomerProfile Profile { get; }

    /// <summary>The event being processed, if any.</summary>
    public CustomerEvent? Event { get; }

    /// <summary>The properties of the event that started the journey instance, if any.</summary>
    public IReadOnlyDictionary<string, Value>? Trigger { get; }

    /// <summary>The current time (an argument: the core never reads the clock).</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Resolves a dotted path such as profile.email, event.amount, trigger.cartId, consent.email or rfm.segment.</summary>
    public Value Resolve(string path)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        var root = dot < 0 ? path : path[..dot];
        var rest = dot < 0 ? "" : path[(dot + 1)..];
        switch (root)
        {
            case "profile":
                return rest == "timeZone" ? Value.From(Profile.TimeZone) : Get(Profile.Attributes, rest);
            case "event":
                if (Event is null)
                {
                    return Value.Null;
                }

                return rest switch
                {
                    "type" => Value.From(Event.Type),
                    "id" => Value.From(Event.Id),
                    "occurredAt" => Value.From(Event.OccurredAt),
                    _ => Get(Event.Properties, rest),
                };
            case "trigger":
                return Trigger is null ? Value.Null : Get(Trigger, rest);
            case "consent":
                return Profile.Consent.TryGetValue(rest, out var consent) ? Value.From(consent) : Value.From(false);
            case "suppressed":
                return Value.From(Profile.Suppressed.ContainsKey(rest));
            case "tags":
                return Value.From(Profile.Tags.Order(StringComparer.Ordinal).Select(Value.From).ToArray());
            case "segments" when dot < 0:
                // The bare path is the list of the customer's segment ids, kept as segments.current (computed values are root.name).
                return Profile.Computed.TryGetValue(Segment.ComputedKey, out var ids) ? ids : Value.From(Array.Empty<Value>());
            default:
                return Profile.Computed.TryGetValue(path, out var computed) ? computed : Value.Null;
        }
    }

    private static Value Get(IReadOnlyDictionary<string, Value> values, string key) =>
        values.TryGetValue(key, out var v) ? v : Value.Null;
}
