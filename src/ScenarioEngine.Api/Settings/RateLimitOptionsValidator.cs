using Microsoft.Extensions.Options;

namespace ScenarioEngine.Api.Settings;

/// <summary>Validates <see cref="RateLimitOptions"/> at start and on every reload, naming the setting at fault.</summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Window <= TimeSpan.Zero || options.Window > TimeSpan.FromHours(1))
        {
            failures.Add("RateLimits:Window must be a positive duration up to 01:00:00 (hh:mm:ss), e.g. 00:00:01.");
        }

        foreach (var (setting, value) in new[] { ("Events", options.Events), ("Read", options.Read), ("Write", options.Write), ("Publish", options.Publish), ("Anonymous", options.Anonymous) })
        {
            if (value < 0)
            {
                failures.Add($"RateLimits:{setting} must be 0 (no limit) or a number of requests per window, not {value}.");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
