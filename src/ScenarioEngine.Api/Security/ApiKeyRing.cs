using System.Security.Cryptography;
using System.Text;
using ScenarioEngine.Api.Settings;

namespace ScenarioEngine.Api.Security;

/// <summary>
/// The configured keys as SHA-256 digests, rebuilt when the "ApiKeys" section reloads with valid keys, so keys rotate without a
/// restart (an invalid reload keeps the keys in force: <see cref="LiveOptions{T}"/>).
/// </summary>
public sealed class ApiKeyRing(LiveOptions<ApiKeyOptions> options)
{
    private readonly Lock _gate = new();
    private (ApiKeyOptions Source, IReadOnlyList<(byte[] Digest, ApiKeyIdentity Identity)> Keys)? _built;

    /// <summary>The identity of a presented key, or null when it is unknown. Every configured key is compared, so timing says nothing.</summary>
    public ApiKeyIdentity? Resolve(string key)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        ApiKeyIdentity? found = null;
        foreach (var (known, identity) in Keys())
        {
            if (CryptographicOperations.FixedTimeEquals(known, digest))
            {
                found = identity;
            }
        }

        return found;
    }

    private IReadOnlyList<(byte[] Digest, ApiKeyIdentity Identity)> Keys()
    {
        var current = options.Current;
        var built = _built;
        if (built is { } b && ReferenceEquals(b.Source, current))
        {
            return b.Keys;
        }

        lock (_gate)
        {
            var keys = current.Entries().Where(e => e.Key.Length > 0)
                .Select(e => (SHA256.HashData(Encoding.UTF8.GetBytes(e.Key)), new ApiKeyIdentity(e.Name, e.Scopes))).ToList();
            _built = (current, keys);
            return keys;
        }
    }
}
