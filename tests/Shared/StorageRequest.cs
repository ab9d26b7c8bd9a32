namespace ScenarioEngine.Testing;

/// <summary>One request the fake storage transport saw.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Uri">The request URI.</param>
/// <param name="Authorization">The Authorization header, or null.</param>
public sealed record StorageRequest(string Method, Uri Uri, string? Authorization);
