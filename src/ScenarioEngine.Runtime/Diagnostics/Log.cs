using Microsoft.Extensions.Logging;

namespace ScenarioEngine.Runtime.Diagnostics;

/// <summary>The runtime's log messages (event ids 1000-1099). Never log customer data, message content or secrets.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Warning, "Handling message {MessageId} of queue {Queue} failed (delivery {DequeueCount}); it stays on the queue, is retried after the visibility timeout and is poisoned after too many tries")]
    public static partial void HandlerFailed(ILogger logger, string queue, string messageId, long dequeueCount, Exception exception);

    [LoggerMessage(1001, LogLevel.Error, "Message {MessageId} of queue {Queue} was delivered {DequeueCount} times and moved to {PoisonQueue}")]
    public static partial void MessagePoisoned(ILogger logger, string queue, string messageId, long dequeueCount, string poisonQueue);

    [LoggerMessage(1002, LogLevel.Error, "Message {MessageId} of queue {Queue} is not a valid events message; it stays on the queue until it is poisoned")]
    public static partial void UnreadableMessage(ILogger logger, string queue, string messageId, Exception exception);

    [LoggerMessage(1003, LogLevel.Warning, "Applying one customer's events from queue {Queue} failed; every message holding them stays on the queue and is retried")]
    public static partial void CustomerEventsFailed(ILogger logger, string queue, Exception exception);
}
