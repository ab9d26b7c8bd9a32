namespace ScenarioEngine.Core.Model;

/// <summary>One customer's profile: attributes, consent and suppression per medium, tags, time zone and computed values.</summary>
/// <remarks>Treated as immutable by the core: the journey machine copies it before applying an update step.</remarks>
public sealed class CustomerProfile
{
    /// <summary>Creates an empty profile for a customer.</summary>
    public CustomerProfile(string customerId)
        : this(customerId, new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal), null, [])
    {
    }

    /// <summary>Creates a profile from its parts, which it takes as they are (no copies).</summary>
    public CustomerProfile(
        string customerId,
        Dictionary<string, Value> attributes,
        Dictionary<string, Value> computed,
        Dictionary<string, bool> consent,
        Dictionary<string, string> suppressed,
        HashSet<string> tags,
        string? timeZone,
        List<RecentEvent> recentEvents)
    {
        CustomerId = customerId;
        Attributes = attributes;
        Computed = computed;
        Consent = consent;
        Suppressed = suppressed;
        Tags = tags;
        TimeZone = timeZone;
        RecentEvents = recentEvents;
    }

    /// <summary>The customer's id (the partition key of everything about them).</summary>
    public string CustomerId { get; }

    /// <summary>Attributes set by the shop (identify) or by update steps, by name (e.g. email, birthday, firstName).</summary>
    public Dictionary<string, Value> Attributes { get; init; }

    /// <summary>Computed values by dotted path (e.g. rfm.segment, orders.count, clv.pAlive, nps.category).</summary>
    public Dictionary<string, Value> Computed { get; init; }

    /// <summary>Consent per medium (email, line, postcard, webhook); absent means no consent.</summary>
    public Dictionary<string, bool> Consent { get; init; }

    /// <summary>Media suppressed for this customer (hard bounce, spam report, unsubscribe), with the reason.</summary>
    public Dictionary<string, string> Suppressed { get; init; }

    /// <summary>Tags added by update steps or the shop.</summary>
    public HashSet<string> Tags { get; init; }

    /// <summary>The customer's IANA time zone (e.g. Asia/Tokyo); null means the configured default.</summary>
    public string? TimeZone { get; set; }

    /// <summary>
    /// The customer's recent behaviour, oldest first, bounded as <see cref="RecentEventLog"/> describes; count conditions
    /// ("viewed the same product 3 times in 7 days") are evaluated against it.
    /// </summary>
    public List<RecentEvent> RecentEvents { get; init; }

    /// <summary>A deep copy, for copy-on-write updates.</summary>
    public CustomerProfile Clone() => new(
        CustomerId,
        new(Attributes, StringComparer.Ordinal),
        new(Computed, StringComparer.Ordinal),
        new(Consent, StringComparer.Ordinal),
        new(Suppressed, StringComparer.Ordinal),
        new(Tags, StringComparer.Ordinal),
        TimeZone,
        new(RecentEvents));
}

/// <summary>One event kept in a profile's recent-event log: its id, type, time and (trimmed) properties.</summary>
public sealed record RecentEvent(string Id, string Type, DateTimeOffset At, IReadOnlyDictionary<string, Value> Properties)
{
    /// <summary>The logged event as a customer event, for evaluating conditions on <c>event.*</c>.</summary>
    public CustomerEvent ToEvent(string customerId) => new(Id, Type, customerId, At, Properties);
}

/// <summary>
/// Keeps the bounded log of recent events on a profile: at most <see cref="MaxEvents"/> events, none older than
/// <see cref="MaxAge"/> before the newest one, engine and identity events left out, and each event's properties trimmed
/// to <see cref="MaxProperties"/> scalars (strings up to <see cref="MaxStringLength"/> characters).
/// </summary>
public static class RecentEventLog
{
    /// <summary>The most events kept; the oldest fall off first.</summary>
    public const int MaxEvents = 200;

    /// <summary>The most properties kept per event (the first by ordinal name).</summary>
    public const int MaxProperties = 20;

    /// <summary>Longer string properties are not kept.</summary>
    public const int MaxStringLength = 200;

    /// <summary>How far back the log reaches from its newest event; a count condition's window may not be longer.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(90);

    /// <summary>Event types not logged: identity data, and the engine's own bookkeeping events.</summary>
    public static readonly IReadOnlySet<string> NotLogged = new HashSet<string>(StringComparer.Ordinal)
    {
        "identify", "analytics.updated", "journey.due", "segment.entered", "segment.left",
    };

    /// <summary>Adds an event to the profile's log, in time order, then trims the log; returns false when the type is not logged.</summary>
    public static bool Record(CustomerProfile profile, CustomerEvent e)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(e);
        if (NotLogged.Contains(e.Type))
        {
            return false;
        }

        var log = profile.RecentEvents;
        var entry = new RecentEvent(e.Id, e.Type, e.OccurredAt, Trim(e.Properties));

        // Events mostly arrive in order: walk back from the end to the insertion point (after equal times, so arrival order holds).
        var i = log.Count;
        while (i > 0 && log[i - 1].At > e.OccurredAt)
        {
            i--;
        }

        log.Insert(i, entry);
        Prune(log);
        return true;
    }

    /// <summary>Drops events older than <see cref="MaxAge"/> before the newest, then the oldest beyond <see cref="MaxEvents"/>.</summary>
    public static void Prune(List<RecentEvent> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (log.Count == 0)
        {
            return;
        }

        var oldest = log[^1].At - MaxAge;
        var stale = 0;
        while (stale < log.Count && log[stale].At < oldest)
        {
            stale++;
        }

        var drop = Math.Max(stale, log.Count - MaxEvents);
        if (drop > 0)
        {
            log.RemoveRange(0, drop);
        }
    }

    // Whether the log would keep these properties as they are: an ordinal dictionary of at most MaxProperties values it keeps, in
    // ordinal name order (so the stored JSON is the same).
    private static bool Kept(IReadOnlyDictionary<string, Value> properties)
    {
        if (properties.Count > MaxProperties || properties is not Dictionary<string, Value> own
            || !(ReferenceEquals(own.Comparer, StringComparer.Ordinal) || ReferenceEquals(own.Comparer, EqualityComparer<string>.Default)))
        {
            return false;
        }

        string? previous = null;
        foreach (var (key, value) in own)
        {
            if ((previous is not null && string.CompareOrdinal(previous, key) >= 0)
                || !(value.Kind is ValueKind.Bool or ValueKind.Number || (value.Kind == ValueKind.String && value.AsString!.Length <= MaxStringLength)))
            {
                return false;
            }

            previous = key;
        }

        return true;
    }

    private static IReadOnlyDictionary<string, Value> Trim(IReadOnlyDictionary<string, Value> properties)
    {
        if (properties.Count == 0)
        {
            return CustomerEvent.NoProperties;
        }

        if (Kept(properties))
        {
            // Already what the log keeps (most events): the event's own dictionary, which nothing changes, rather than a copy per event.
            return properties;
        }

        // In ordinal name order (the first MaxProperties by name are kept), sorted in one array rather than through LINQ.
        var sorted = new KeyValuePair<string, Value>[properties.Count];
        var n = 0;
        foreach (var p in properties)
        {
            sorted[n++] = p;
        }

        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var kept = new Dictionary<string, Value>(Math.Min(sorted.Length, MaxProperties), StringComparer.Ordinal);
        foreach (var (key, value) in sorted)
        {
            if (kept.Count == MaxProperties)
            {
                break;
            }

            if (value.Kind is ValueKind.Bool or ValueKind.Number || (value.Kind == ValueKind.String && value.AsString!.Length <= MaxStringLength))
            {
                kept[key] = value;
            }
        }

        return kept;
    }
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
