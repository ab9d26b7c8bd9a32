using Microsoft.Extensions.Logging;

namespace ScenarioEngine.Journeys;

/// <summary>The Journeys project's log messages (event ids 6000-6099). Never log profiles, addresses or message content.</summary>
internal static partial class Log
{
    [LoggerMessage(6000, LogLevel.Information, "Journey instance {InstanceId} entered {JourneyId} v{Version}")]
    public static partial void Entered(ILogger logger, string instanceId, string journeyId, int version);

    [LoggerMessage(6001, LogLevel.Information, "Journey instance {InstanceId} continues as new (generation {Generation}) after {WaitPoints} wait points")]
    public static partial void ContinuedAsNew(ILogger logger, string instanceId, int generation, int waitPoints);

    [LoggerMessage(6002, LogLevel.Information, "Send {IdempotencyKey} deferred until {RetryAt}: {Reason}")]
    public static partial void SendDeferred(ILogger logger, string idempotencyKey, DateTimeOffset? retryAt, string reason);

    [LoggerMessage(6003, LogLevel.Information, "Journey instance {InstanceId} finished: {ExitReason}")]
    public static partial void Finished(ILogger logger, string instanceId, string? exitReason);

    [LoggerMessage(6004, LogLevel.Warning, "Send {IdempotencyKey} was claimed by an earlier run that recorded no outcome: not sent again")]
    public static partial void SendOutcomeUnknown(ILogger logger, string idempotencyKey);

    [LoggerMessage(6005, LogLevel.Debug, "Send {IdempotencyKey} already settled as {Status}: not sent again")]
    public static partial void SendAlreadySettled(ILogger logger, string idempotencyKey, SendStatus status);

    [LoggerMessage(6006, LogLevel.Information, "Send {IdempotencyKey}: {Status} ({Reason})")]
    public static partial void SendFinished(ILogger logger, string idempotencyKey, SendStatus status, string reason);

    [LoggerMessage(6007, LogLevel.Debug, "Journey instance {InstanceId} scheduled")]
    public static partial void InstanceStarted(ILogger logger, string instanceId);

    [LoggerMessage(6008, LogLevel.Information, "Journey instance {InstanceId} is already pending or running: not started again")]
    public static partial void InstanceAlreadyStarted(ILogger logger, string instanceId);

    [LoggerMessage(6009, LogLevel.Information, "Journey instance {InstanceId} terminated: {Reason}")]
    public static partial void InstanceTerminated(ILogger logger, string instanceId, string reason);

    [LoggerMessage(6010, LogLevel.Debug, "Journey instance {InstanceId} not terminated: {Status}")]
    public static partial void NothingToTerminate(ILogger logger, string instanceId, string status);
}
