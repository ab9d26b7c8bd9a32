using Azure.Core;

namespace ScenarioEngine.Testing;

/// <summary>A Microsoft Entra ID credential for tests: hands out a fixed token and records the scopes asked for.</summary>
public sealed class FixedTokenCredential(string token) : TokenCredential
{
    private readonly List<string> _scopes = [];

    /// <summary>Every scope a token was asked for, in order.</summary>
    public IReadOnlyList<string> Scopes()
    {
        lock (_scopes)
        {
            return [.. _scopes];
        }
    }

    /// <inheritdoc />
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        lock (_scopes)
        {
            _scopes.AddRange(requestContext.Scopes);
        }

        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    /// <inheritdoc />
    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
