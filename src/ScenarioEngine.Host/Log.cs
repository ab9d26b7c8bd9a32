namespace ScenarioEngine.Host;

/// <summary>The standalone host's log messages (event ids 4000-4099, shared with ScenarioEngine.Api's). Never log API keys, secrets or personal data.</summary>
internal static partial class Log
{
    [LoggerMessage(4003, LogLevel.Error, "Worker {Worker} failed; retrying after {Delay}")]
    public static partial void WorkerFailed(ILogger logger, string worker, TimeSpan delay, Exception exception);

    [LoggerMessage(4030, LogLevel.Information, "Stopping: {Count} dispatches handed over in this process moved to the dispatch queue")]
    public static partial void LocalDispatchFlushed(ILogger logger, int count);
}
