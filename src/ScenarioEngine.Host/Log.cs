namespace ScenarioEngine.Host;

/// <summary>The standalone host's log messages (event ids 4000-4099, shared with ScenarioEngine.Api's). Never log API keys, secrets or personal data.</summary>
internal static partial class Log
{
    [LoggerMessage(4003, LogLevel.Error, "Worker {Worker} failed; retrying after {Delay}")]
    public static partial void WorkerFailed(ILogger logger, string worker, TimeSpan delay, Exception exception);

    [LoggerMessage(4019, LogLevel.Information, "Dashboard served at / from {Path}")]
    public static partial void DashboardServed(ILogger logger, string path);

    [LoggerMessage(4020, LogLevel.Information, "No dashboard at {Path} (run npm run build); only the API is served")]
    public static partial void DashboardMissing(ILogger logger, string path);

    [LoggerMessage(4021, LogLevel.Warning, "The Durable Task worker did not stop within the host's shutdown timeout (is storage reachable?); exiting without it: the task-hub messages it held come back after {VisibilityTimeout}")]
    public static partial void BackendStopAbandoned(ILogger logger, TimeSpan visibilityTimeout);
}
