namespace ScenarioEngine.Core.Model;

/// <summary>One customer's profile: attributes, consent and suppression per medium, tags, time zone and computed values.</summary>
/// <remarks>Treated as immutable by the core: the journey machine copies it before applying an update step.</remarks>
public sealed class CustomerProfile
{
    /// <summary>Creates an empty profile for a customer.</summary>
    public CustomerProfile(string customerId) => CustomerId = customerId;

    /// <summary>The customer's id (the partition key of everything about them).</summary>
    public string CustomerId { get; }

    /// <summary>Attributes set by the shop (identify) or by update steps, by name (e.g. email, birthday, firstName).</summary>
    public Dictionary<string, Value> Attributes { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Computed values by dotted path (e.g. rfm.segment, orders.count, clv.pAlive, nps.category).</summary>
    public Dictionary<string, Value> Computed { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Consent per medium (email, line, postcard, webhook); absent means no consent.</summary>
    public Dictionary<string, bool> Consent { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Media suppressed for this customer (hard bounce, spam report, unsubscribe), with the reason.</summary>
    public Dictionary<string, string> Suppressed { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Tags added by update steps or the shop.</summary>
    public HashSet<string> Tags { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The customer's IANA time zone (e.g. Asia/Tokyo); null means the configured default.</summary>
    public string? TimeZone { get; set; }

    /// <summary>A deep copy, for copy-on-write updates.</summary>
    public CustomerProfile Clone() => new(CustomerId)
    {
        Attributes = new(Attributes, StringComparer.Ordinal),
        Computed = new(Computed, StringComparer.Ordinal),
        Consent = new(Consent, StringComparer.Ordinal),
        Suppressed = new(Suppressed, StringComparer.Ordinal),
        Tags = new(Tags, StringComparer.Ordinal),
        TimeZone = TimeZone,
    };
}

/// <summary>A behaviour or purchase event of one customer.</summary>
/// <param name="Id">Unique event id; a redelivered id is applied once.</param>
/// <param name="Type">Event type, e.g. purchase, cart.updated, nps.response.</param>
/// <param name="CustomerId">The customer the event belongs to.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="Properties">Properties by name (nested objects flattened with dots, e.g. cart.id).</param>
public sealed record CustomerEvent(string Id, string Type, string CustomerId, DateTimeOffset OccurredAt, IReadOnlyDictionary<string, Value> Properties)
{
    /// <summary>An empty property set.</summary>
    public static readonly IReadOnlyDictionary<string, Value> NoProperties = new Dictionary<string, Value>();
}
