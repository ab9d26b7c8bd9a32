using Microsoft.Extensions.Logging;

namespace ScenarioEngine.Storage.Azure.ServiceBus;

/// <summary>The Service Bus adapter's log messages (event ids 2080-2099). Never log connection strings or event bodies.</summary>
internal static partial class Log
{
    [LoggerMessage(2080, LogLevel.Information, "Integration events go to Service Bus topic {Topic} on {Namespace}")]
    public static partial void Publishing(ILogger logger, string topic, string @namespace);

    [LoggerMessage(2081, LogLevel.Warning, "Sending {Count} integration events to Service Bus failed (attempt {Attempt} of {MaxAttempts}); retrying after {Delay}")]
    public static partial void SendFailed(ILogger logger, int count, int attempt, int maxAttempts, TimeSpan delay, Exception exception);

    [LoggerMessage(2082, LogLevel.Error, "Gave up sending {Count} integration events to Service Bus after {Attempts} attempts; they are lost")]
    public static partial void SendGaveUp(ILogger logger, int count, int attempts, Exception exception);

    [LoggerMessage(2083, LogLevel.Warning, "The integration event buffer is full ({Capacity} events): new events are dropped until the sender catches up")]
    public static partial void BufferFull(ILogger logger, int capacity);

    [LoggerMessage(2084, LogLevel.Error, "Integration event {EventId} ({Type}) is larger than a Service Bus message may be and was dropped")]
    public static partial void EventTooLarge(ILogger logger, string eventId, string type);

    [LoggerMessage(2085, LogLevel.Warning, "The host stopped with {Count} integration events not sent; they are lost")]
    public static partial void UnsentAtShutdown(ILogger logger, int count);
}
