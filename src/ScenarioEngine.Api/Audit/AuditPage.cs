namespace ScenarioEngine.Api.Audit;

/// <summary>A page of the audit log, newest first.</summary>
/// <param name="Entries">The entries.</param>
/// <param name="Next">The cursor for the next page (pass it as ?after=), or null when this is the last page.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, string? Next);
