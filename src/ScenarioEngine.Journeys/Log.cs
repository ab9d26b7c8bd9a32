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

    [LoggerMessage(6004, LogLevel.Warning, "Send {IdempotencyKey}: outcome unknown and not settled ({Reason})")]
    public static partial void SendOutcomeUnknown(ILogger logger, string idempotencyKey, string reason);

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

    [LoggerMessage(6050, LogLevel.Debug, "Journey instance {InstanceId} had event {EventId} already: ignored")]
    public static partial void DuplicateEvent(ILogger logger, string instanceId, string eventId);

    // 6040-6049: settling unknown send outcomes.
    [LoggerMessage(6040, LogLevel.Warning, "Send {IdempotencyKey}: outcome unknown, sent again with the same key (the channel de-duplicates by it)")]
    public static partial void SendRepeatedWithSameKey(ILogger logger, string idempotencyKey);

    [LoggerMessage(6041, LogLevel.Information, "Send {IdempotencyKey}: outcome unknown ({Reason}), settled at {RetryAt}")]
    public static partial void SendAwaitingSettlement(ILogger logger, string idempotencyKey, DateTimeOffset retryAt, string reason);

    [LoggerMessage(6042, LogLevel.Information, "Send {IdempotencyKey}: outcome settled by {Provider}'s {ProviderEvent} event")]
    public static partial void SendSettledByConfirmation(ILogger logger, string idempotencyKey, string provider, string providerEvent);

    [LoggerMessage(6043, LogLevel.Warning, "Send {IdempotencyKey}: not confirmed by the provider within {Window}, sent again")]
    public static partial void SendNotConfirmed(ILogger logger, string idempotencyKey, TimeSpan window);

    // 6030-6039: the send gate (send rate, circuit breaker).
    [LoggerMessage(6030, LogLevel.Warning, "Circuit of {Medium} opened after {Failures} provider failures; sends are held until {RetryAt}: {Reason}")]
    public static partial void CircuitOpened(ILogger logger, string medium, int failures, DateTimeOffset? retryAt, string? reason);

    [LoggerMessage(6031, LogLevel.Information, "Circuit of {Medium} closed: the provider accepted a send")]
    public static partial void CircuitClosed(ILogger logger, string medium);

    [LoggerMessage(6032, LogLevel.Information, "Circuit of {Medium} half-open: send {IdempotencyKey} is the trial")]
    public static partial void CircuitTrial(ILogger logger, string medium, string idempotencyKey);

    [LoggerMessage(6033, LogLevel.Warning, "The circuit row of {Medium} kept changing; the provider's answer was not counted after {Attempts} attempts")]
    public static partial void CircuitNotUpdated(ILogger logger, string medium, int attempts);

    [LoggerMessage(6034, LogLevel.Debug, "Send {IdempotencyKey} holds a place in the {Medium} rate window starting {Window}")]
    public static partial void RateReserved(ILogger logger, string idempotencyKey, string medium, DateTimeOffset window);

    [LoggerMessage(6035, LogLevel.Information, "Journey instance {InstanceId}: a timer fired {Early} before its time {Due}; waiting out the rest")]
    public static partial void TimerEarly(ILogger logger, string instanceId, TimeSpan early, DateTimeOffset due);
}
