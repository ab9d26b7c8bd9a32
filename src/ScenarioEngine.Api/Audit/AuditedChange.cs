namespace ScenarioEngine.Api.Audit;

/// <summary>Endpoint metadata: a successful call is a change the audit log records.</summary>
/// <param name="Kind">The kind recorded (see <see cref="AuditKinds"/>).</param>
/// <param name="TargetRouteValue">The route value naming what changed (e.g. "journeyId"), or null.</param>
public sealed record AuditedChange(string Kind, string? TargetRouteValue);
