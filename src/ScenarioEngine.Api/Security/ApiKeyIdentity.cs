using ScenarioEngine.Api.Endpoints;

namespace ScenarioEngine.Api.Security;

/// <summary>Who sent a request: the name of the key (never the key) and its scopes.</summary>
/// <param name="Name">The key's name: "events" and "admin" for ApiKeys:Events and ApiKeys:Admin, else the name under ApiKeys:Keys.</param>
/// <param name="Scopes">The scopes the key holds.</param>
public sealed record ApiKeyIdentity(string Name, IReadOnlySet<ApiScope> Scopes)
{
    private static readonly object ItemKey = new();

    /// <summary>The identity of the request's key, once the API-key check accepted it; null on open endpoints.</summary>
    public static ApiKeyIdentity? Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var value) ? value as ApiKeyIdentity : null;

    /// <summary>Records the identity on the request.</summary>
    public void AttachTo(HttpContext context) => context.Items[ItemKey] = this;
}
