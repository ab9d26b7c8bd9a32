namespace ScenarioEngine.Runtime.Engine;

/// <summary>The kinds of work queue.</summary>
public enum WorkQueueKind
{
    /// <summary>Not one of the engine's queues.</summary>
    Unknown,
    /// <summary>An events queue (customers spread by hash).</summary>
    Events,
    /// <summary>The timers queue.</summary>
    Timers,
    /// <summary>The dispatch queue.</summary>
    Dispatch,
}

public sealed partial class JourneyEngine
{
    /// <summary>Which kind of work a queue of this name carries.</summary>
    public WorkQueueKind KindOf(string queueName)
    {
        ArgumentNullException.ThrowIfNull(queueName);
        if (queueName == Options.TimerQueue)
        {
            return WorkQueueKind.Timers;
        }

        if (queueName == Options.DispatchQueue)
        {
            return WorkQueueKind.Dispatch;
        }

        for (var i = 0; i < Options.EventQueueCount; i++)
        {
            if (queueName == Options.EventQueue(i))
            {
                return WorkQueueKind.Events;
            }
        }

        return WorkQueueKind.Unknown;
    }

    /// <summary>
    /// Handles one message that something else took off a work queue (the Azure Functions queue trigger), exactly as the
    /// pumps would; throws when it could not, so the message is delivered again (and ends in the poison queue after the
    /// host's maximum dequeue count).
    /// </summary>
    /// <exception cref="ArgumentException">The queue is not one of the engine's work queues.</exception>
    public async Task HandleQueueMessageAsync(string queueName, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        switch (KindOf(queueName))
        {
            case WorkQueueKind.Events:
                var message = Codec.Read<EventsMessage>(text);
                foreach (var group in message.Events.GroupBy(e => e.CustomerId, StringComparer.Ordinal))
                {
                    await ApplyEventsAsync(group.Key, group.ToList(), cancellationToken).ConfigureAwait(false);
                }

                break;
            case WorkQueueKind.Timers:
                await WakeAsync(Codec.Read<TimerMessage>(text), cancellationToken).ConfigureAwait(false);
                break;
            case WorkQueueKind.Dispatch:
                await DispatchAsync(Codec.Read<DispatchMessage>(text), cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentException($"'{queueName}' is not one of this engine's work queues", nameof(queueName));
        }
    }
}
