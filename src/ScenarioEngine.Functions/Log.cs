namespace ScenarioEngine.Functions;

/// <summary>The Functions app's log messages (event ids 5000-5099). Never log API keys, secrets, message bodies or personal data.</summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Error, "Function {Function} failed on a message of {Queue}; the host delivers it again")]
    public static partial void QueueMessageFailed(ILogger logger, string function, string queue, Exception exception);

    [LoggerMessage(5001, LogLevel.Error, "Starting the engine before function {Function} failed; the invocation fails and is retried by its trigger")]
    public static partial void StartupFailed(ILogger logger, string function, Exception exception);
}
