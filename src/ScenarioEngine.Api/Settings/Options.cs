using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Endpoints;

namespace ScenarioEngine.Api.Settings;

/// <summary>How this process hosts the engine (bound from the "Engine" section, next to the runtime's own EngineOptions).</summary>
public sealed class EngineHostOptions
{
    /// <summary>Run the queue workers and scheduled jobs in this standalone process; the Functions app's triggers do that work there.</summary>
    public bool Workers { get; set; } = true;

    /// <summary>The table of journey drafts, versions and messages.</summary>
    public string DefinitionsTable { get; set; } = "definitions";

    /// <summary>The table of the audit log (every change made through the API, by key name).</summary>
    public string AuditTable { get; set; } = "audit";

    /// <summary>The longest pause of an idle queue worker.</summary>
    public TimeSpan IdlePollDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often every journey's counts are aggregated for the canvas.</summary>
    public TimeSpan CountsInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often date and schedule triggers are checked.</summary>
    public TimeSpan ScheduledTriggersInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the catalog is reloaded from the definitions table.</summary>
    public TimeSpan CatalogRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// API keys: <see cref="Events"/> and <see cref="Admin"/> (comma-separated keys) and named keys under <see cref="Keys"/>, each with its
/// scopes. Read through IOptionsMonitor, so keys added or removed in configuration apply without a restart.
/// </summary>
public sealed class ApiKeyOptions
{
    /// <summary>The shortest key accepted, so a placeholder such as "x" cannot slip into production.</summary>
    public const int MinimumLength = 16;

    /// <summary>The key name of <see cref="Events"/> keys in the audit log and rate limits.</summary>
    public const string EventsName = "events";

    /// <summary>The key name of <see cref="Admin"/> keys in the audit log and rate limits.</summary>
    public const string AdminName = "admin";

    /// <summary>Keys of the events scope (shops posting events), comma-separated.</summary>
    public string Events { get; set; } = "";

    /// <summary>Keys holding every scope but events (read, write, publish), comma-separated.</summary>
    public string Admin { get; set; } = "";

    /// <summary>Named keys: ApiKeys:Keys:&lt;name&gt;:Key and ApiKeys:Keys:&lt;name&gt;:Scopes.</summary>
    public Dictionary<string, NamedApiKeyOptions> Keys { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Splits a setting into its keys.</summary>
    public static IReadOnlyList<string> Split(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Every configured key with its name, the setting it comes from and its scopes (unknown scope names left out; the validator names them).</summary>
    public IReadOnlyList<ApiKeyEntry> Entries()
    {
        var entries = new List<ApiKeyEntry>();
        entries.AddRange(Split(Events).Select(k => new ApiKeyEntry(EventsName, k, "ApiKeys:Events", new HashSet<ApiScope> { ApiScope.Events })));
        entries.AddRange(Split(Admin).Select(k => new ApiKeyEntry(AdminName, k, "ApiKeys:Admin",
            new HashSet<ApiScope> { ApiScope.Read, ApiScope.Write, ApiScope.Publish })));
        foreach (var (name, key) in Keys.OrderBy(k => k.Key, StringComparer.OrdinalIgnoreCase))
        {
            var scopes = key.ParseScopes(out _);
            entries.Add(new ApiKeyEntry(name, (key.Key ?? "").Trim(), $"ApiKeys:Keys:{name}:Key", scopes));
        }

        return entries;
    }
}

/// <summary>Validates <see cref="ApiKeyOptions"/> at start and on every reload, naming the setting at fault.</summary>
public sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (keyName, key) in options.Keys)
        {
            if (!IsName(keyName))
            {
                failures.Add($"ApiKeys:Keys:{keyName}: a key name is 1 to 64 letters, digits, '-' or '_'.");
            }

            if (keyName.Equals(ApiKeyOptions.EventsName, StringComparison.OrdinalIgnoreCase) || keyName.Equals(ApiKeyOptions.AdminName, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"ApiKeys:Keys:{keyName}: the names '{ApiKeyOptions.EventsName}' and '{ApiKeyOptions.AdminName}' stand for ApiKeys:Events and ApiKeys:Admin; choose another.");
            }

            if (string.IsNullOrWhiteSpace(key.Key))
            {
                failures.Add($"ApiKeys:Keys:{keyName}:Key is not set.");
            }

            key.ParseScopes(out var unknown);
            if (unknown.Count > 0)
            {
                failures.Add($"ApiKeys:Keys:{keyName}:Scopes has unknown scope(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}: expected events, read, write or publish, comma-separated.");
            }
            else if (string.IsNullOrWhiteSpace(key.Scopes))
            {
                failures.Add($"ApiKeys:Keys:{keyName}:Scopes is not set: expected events, read, write or publish, comma-separated (e.g. \"read,write\").");
            }
        }

        var entries = options.Entries().Where(e => e.Key.Length > 0).ToList();
        if (!entries.Any(e => e.Scopes.Contains(ApiScope.Events)))
        {
            failures.Add("No key has the events scope: set ApiKeys:Events, or a named key with ApiKeys:Keys:<name>:Scopes including events, for shops posting events.");
        }

        if (!entries.Any(e => e.Scopes.Overlaps([ApiScope.Read, ApiScope.Write, ApiScope.Publish])))
        {
            failures.Add("No key for the management API: set ApiKeys:Admin, or a named key with ApiKeys:Keys:<name>:Scopes of read, write or publish.");
        }

        failures.AddRange(entries.Where(e => e.Key.Length < ApiKeyOptions.MinimumLength)
            .Select(e => $"{e.Setting}: every API key needs at least {ApiKeyOptions.MinimumLength} characters."));
        failures.AddRange(entries.GroupBy(e => e.Key, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => $"The same key is configured more than once, in {string.Join(" and ", g.Select(e => e.Setting).Distinct())}: every key needs its own value."));
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    private static bool IsName(string name) => name.Length is >= 1 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

/// <summary>Template settings.</summary>
public sealed class TemplateOptions
{
    /// <summary>Extra data paths, comma-separated, that publishing accepts in placeholders.</summary>
    public string DataPaths { get; set; } = "";
}

/// <summary>Sample loading at start.</summary>
public sealed class SamplesOptions
{
    /// <summary>Load samples/messages and publish samples/journeys at start.</summary>
    public bool Load { get; set; }

    /// <summary>The samples folder; default "samples" under the current directory.</summary>
    public string Path { get; set; } = "";
}
