using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ScenarioEngine.Api.Settings;

/// <summary>
/// Options of one configuration section that follow configuration reloads: the section is bound and validated again on each reload,
/// and a reload that fails validation keeps the options in force and logs why. (A validated IOptionsMonitor would throw from inside
/// the configuration reload instead.) The options at start are the ones ValidateOnStart checked.
/// </summary>
public sealed class LiveOptions<T> : IDisposable where T : class, new()
{
    private readonly IConfigurationSection _section;
    private readonly IEnumerable<IValidateOptions<T>> _validators;
    private readonly ILogger<LiveOptions<T>> _logger;
    private readonly IDisposable _subscription;
    private T _current;

    /// <summary>Starts from the validated options and follows the section's reloads.</summary>
    public LiveOptions(string section, IOptions<T> options, IConfiguration configuration, IEnumerable<IValidateOptions<T>> validators, ILogger<LiveOptions<T>> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        _section = configuration.GetSection(section);
        _validators = validators;
        _logger = logger;
        _current = options.Value;
        _subscription = ChangeToken.OnChange(_section.GetReloadToken, Reload);
    }

    /// <summary>The options in force: a new instance after each valid reload.</summary>
    public T Current => Volatile.Read(ref _current);

    /// <inheritdoc />
    public void Dispose() => _subscription.Dispose();

    private void Reload()
    {
        var options = new T();
        _section.Bind(options);
        var failures = _validators.Select(v => v.Validate(Options.DefaultName, options)).Where(r => r.Failed).SelectMany(r => r.Failures ?? []).ToList();
        if (failures.Count > 0)
        {
            Log.SettingsReloadRejected(_logger, _section.Path, string.Join(" ", failures));
            return;
        }

        Volatile.Write(ref _current, options);
        Log.SettingsReloaded(_logger, _section.Path);
    }
}
