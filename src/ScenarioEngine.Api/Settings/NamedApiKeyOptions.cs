using ScenarioEngine.Api.Endpoints;

namespace ScenarioEngine.Api.Settings;

/// <summary>One named key: ApiKeys:Keys:&lt;name&gt;:Key and :Scopes.</summary>
public sealed class NamedApiKeyOptions
{
    /// <summary>The key (at least <see cref="ApiKeyOptions.MinimumLength"/> characters).</summary>
    public string? Key { get; set; }

    /// <summary>Its scopes, comma-separated: events, read, write, publish.</summary>
    public string? Scopes { get; set; }

    /// <summary>The scopes named; <paramref name="unknown"/> gets the names that are no scope.</summary>
    public IReadOnlySet<ApiScope> ParseScopes(out IReadOnlyList<string> unknown)
    {
        var scopes = new HashSet<ApiScope>();
        var bad = new List<string>();
        foreach (var part in ApiKeyOptions.Split(Scopes))
        {
            if (Enum.TryParse<ApiScope>(part, ignoreCase: true, out var scope) && Enum.IsDefined(scope) && !int.TryParse(part, out _))
            {
                scopes.Add(scope);
            }
            else
            {
                bad.Add(part);
            }
        }

        unknown = bad;
        return scopes;
    }
}
