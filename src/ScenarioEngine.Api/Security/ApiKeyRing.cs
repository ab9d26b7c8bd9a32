using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using ScenarioEngine.Api.Settings;

namespace ScenarioEngine.Api.Security;

/// <summary>
/// The configured keys as SHA-256 digests. The "ApiKeys" section is read again on every configuration reload, so keys rotate without
/// a restart; a reload that fails validation keeps the keys in force and logs why. (A validated IOptionsMonitor would throw from
/// inside the configuration reload instead, so the ring binds and validates the section itself.)
/// </summary>
public sealed class ApiKeyRing : IDisposable
{
    private readonly IConfigurationSection _section;
    private readonly ILogger<ApiKeyRing> _logger;
    private readonly IDisposable _subscription;
    private IReadOnlyList<(byte[] Digest, ApiKeyIdentity Identity)> _keys;

    /// <summary>Starts from the options validated at start and follows the section's reloads.</summary>
    public ApiKeyRing(IOptions<ApiKeyOptions> options, IConfiguration configuration, ILogger<ApiKeyRing> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        _section = configuration.GetSection("ApiKeys");
        _logger = logger;
        _keys = Build(options.Value);
        _subscription = ChangeToken.OnChange(_section.GetReloadToken, Reload);
    }

    /// <summary>The identity of a presented key, or null when it is unknown. Every configured key is compared, so timing says nothing.</summary>
    public ApiKeyIdentity? Resolve(string key)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        ApiKeyIdentity? found = null;
        foreach (var (known, identity) in Volatile.Read(ref _keys))
        {
            if (CryptographicOperations.FixedTimeEquals(known, digest))
            {
                found = identity;
            }
        }

        return found;
    }

    /// <inheritdoc />
    public void Dispose() => _subscription.Dispose();

    private void Reload()
    {
        var options = new ApiKeyOptions();
        _section.Bind(options);
        var result = new ApiKeyOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            Log.ApiKeysReloadRejected(_logger, result.FailureMessage);
            return;
        }

        var keys = Build(options);
        Volatile.Write(ref _keys, keys);
        Log.ApiKeysReloaded(_logger, keys.Count);
    }

    private static List<(byte[], ApiKeyIdentity)> Build(ApiKeyOptions options) =>
        options.Entries().Where(e => e.Key.Length > 0).Select(e => (SHA256.HashData(Encoding.UTF8.GetBytes(e.Key)), new ApiKeyIdentity(e.Name, e.Scopes))).ToList();
}
