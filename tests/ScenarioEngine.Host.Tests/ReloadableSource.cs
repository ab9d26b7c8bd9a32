using Microsoft.Extensions.Configuration;

namespace ScenarioEngine.Host.Tests;

/// <summary>An in-memory configuration source whose values a test replaces at run time, raising the reload a changed file would.</summary>
public sealed class ReloadableSource(IDictionary<string, string?> initial) : IConfigurationSource
{
    public ReloadableProvider Provider { get; } = new(initial);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => Provider;
}

/// <summary>The provider of <see cref="ReloadableSource"/>.</summary>
public sealed class ReloadableProvider : ConfigurationProvider
{
    public ReloadableProvider(IDictionary<string, string?> initial)
    {
        Replace(initial, reload: false);
    }

    /// <summary>Replaces every value and signals the reload.</summary>
    public void Replace(IDictionary<string, string?> values, bool reload = true)
    {
        Data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
        if (reload)
        {
            OnReload();
        }
    }
}
