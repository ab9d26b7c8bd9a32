namespace ScenarioEngine.Api.Endpoints;

/// <summary>Marks endpoints with the scope they need.</summary>
public static class ApiKeyEndpointExtensions
{
    /// <summary>Requires an API key holding <paramref name="scope"/> (header X-Api-Key).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, ApiScope scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredScope(scope));

    /// <summary>Marks an endpoint that needs no key (health, the OpenAPI document, signed webhooks); every other endpoint needs a scope.</summary>
    public static TBuilder AllowAnonymousKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(OpenEndpoint.Instance);
}
