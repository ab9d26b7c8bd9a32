namespace ScenarioEngine.Api.Audit;

/// <summary>One change made through the API: which key (by name), when, what.</summary>
/// <param name="At">When the change was accepted (UTC).</param>
/// <param name="Key">The name of the API key that made it (never the key).</param>
/// <param name="Kind">What changed, e.g. journey.published (see <see cref="AuditKinds"/>).</param>
/// <param name="Target">The id of what changed (journey, message, segment, customer), or null for engine-wide operations.</param>
/// <param name="Version">The journey version published, where it applies.</param>
public sealed record AuditEntry(DateTimeOffset At, string Key, string Kind, string? Target, int? Version = null);
