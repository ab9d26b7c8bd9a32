namespace ScenarioEngine.Api.Settings;

/// <summary>
/// Requests each key may make per <see cref="Window"/>, by the scope of the endpoint called (bound from "RateLimits"; follows
/// configuration reloads). 0 turns a limit off.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The fixed window the limits count in.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests per window and key to events-scoped endpoints (event batches from shops).</summary>
    public int Events { get; set; } = 10_000;

    /// <summary>Requests per window and key to read-scoped endpoints.</summary>
    public int Read { get; set; } = 1_000;

    /// <summary>Requests per window and key to write-scoped endpoints.</summary>
    public int Write { get; set; } = 1_000;

    /// <summary>Requests per window and key to publish-scoped endpoints.</summary>
    public int Publish { get; set; } = 100;

    /// <summary>Requests per window and client IP address to the endpoints that need no key (health, OpenAPI, the SendGrid webhook).</summary>
    public int Anonymous { get; set; } = 1_000;
}
