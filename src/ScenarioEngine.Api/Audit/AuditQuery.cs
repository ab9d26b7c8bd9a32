namespace ScenarioEngine.Api.Audit;

/// <summary>A page request over the audit log, newest first.</summary>
/// <param name="Key">Only changes by this key name.</param>
/// <param name="Kind">Only this kind.</param>
/// <param name="Target">Only changes to this id.</param>
/// <param name="From">Only changes at or after this time (default: a year before <paramref name="To"/>).</param>
/// <param name="To">Only changes at or before this time (default: now).</param>
/// <param name="Max">The page size.</param>
/// <param name="After">The cursor of the previous page's last entry (its <see cref="AuditPage.Next"/>).</param>
public sealed record AuditQuery(string? Key, string? Kind, string? Target, DateTimeOffset? From, DateTimeOffset? To, int Max, string? After);
