namespace ScenarioEngine.Api.Endpoints;

/// <summary>Endpoint metadata: the scope an endpoint needs.</summary>
public sealed record RequiredScope(ApiScope Scope);
