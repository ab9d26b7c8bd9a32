namespace ScenarioEngine.Api.Audit;

/// <summary>Marks endpoints for the audit log.</summary>
public static class AuditEndpointExtensions
{
    /// <summary>Records every successful call in the audit log as <paramref name="kind"/> on the route value <paramref name="targetRouteValue"/>.</summary>
    public static TBuilder Audited<TBuilder>(this TBuilder builder, string kind, string? targetRouteValue = null) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AuditedChange(kind, targetRouteValue)).AddEndpointFilter<TBuilder, AuditFilter>();

    /// <summary>Says that this write- or publish-scoped endpoint changes nothing, so the audit log has nothing to record.</summary>
    public static TBuilder NotAChange<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Audit.NotAChange.Instance);
}
