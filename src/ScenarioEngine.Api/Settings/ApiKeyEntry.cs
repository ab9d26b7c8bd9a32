using ScenarioEngine.Api.Endpoints;

namespace ScenarioEngine.Api.Settings;

/// <summary>One configured key.</summary>
/// <param name="Name">Its name (never secret): what the audit log and the rate limiter know it by.</param>
/// <param name="Key">The key itself (secret: never logged).</param>
/// <param name="Setting">The setting it comes from, for error messages.</param>
/// <param name="Scopes">The scopes it holds.</param>
public sealed record ApiKeyEntry(string Name, string Key, string Setting, IReadOnlySet<ApiScope> Scopes);
