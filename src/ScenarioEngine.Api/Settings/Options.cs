using Microsoft.Extensions.Options;

namespace ScenarioEngine.Api.Settings;

/// <summary>How this process hosts the engine (bound from the "Engine" section, next to the runtime's own EngineOptions).</summary>
public sealed class EngineHostOptions
{
    /// <summary>Run the queue workers and scheduled jobs in this standalone process; the Functions app's triggers do that work there.</summary>
    public bool Workers { get; set; } = true;

    /// <summary>The table of journey drafts, versions and messages.</summary>
    public string DefinitionsTable { get; set; } = "definitions";

    /// <summary>The longest pause of an idle queue worker.</summary>
    public TimeSpan IdlePollDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the sweeper runs.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often date and schedule triggers are checked.</summary>
    public TimeSpan ScheduledTriggersInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the catalog is reloaded from the definitions table.</summary>
    public TimeSpan CatalogRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>API keys by scope; each value may hold several keys separated by commas (to rotate without downtime).</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The shortest key accepted, so a placeholder such as "x" cannot slip into production.</summary>
    public const int MinimumLength = 16;

    /// <summary>Keys of the events scope (shops posting events).</summary>
    public string Events { get; set; } = "";

    /// <summary>Keys of the admin scope (journeys, messages, customers; includes events).</summary>
    public string Admin { get; set; } = "";

    /// <summary>Splits a setting into its keys.</summary>
    public static IReadOnlyList<string> Split(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Validates <see cref="ApiKeyOptions"/> at start: both scopes need keys, long enough, and no key in both.</summary>
public sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var failures = new List<string>();
        var events = ApiKeyOptions.Split(options.Events);
        var admin = ApiKeyOptions.Split(options.Admin);
        if (events.Count == 0)
        {
            failures.Add("ApiKeys:Events is not set: give at least one key for shops posting events.");
        }

        if (admin.Count == 0)
        {
            failures.Add("ApiKeys:Admin is not set: give at least one key for the admin API.");
        }

        if (events.Concat(admin).Any(k => k.Length < ApiKeyOptions.MinimumLength))
        {
            failures.Add($"Every API key needs at least {ApiKeyOptions.MinimumLength} characters.");
        }

        if (events.Intersect(admin, StringComparer.Ordinal).Any())
        {
            failures.Add("The same key is configured for both ApiKeys:Events and ApiKeys:Admin.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
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
