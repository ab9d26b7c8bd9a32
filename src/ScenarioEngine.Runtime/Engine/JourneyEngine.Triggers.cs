namespace ScenarioEngine.Runtime.Engine;

public sealed partial class JourneyEngine
{
    /// <summary>True when <paramref name="queueName"/> is one of the engine's events queues.</summary>
    public bool IsEventQueue(string queueName)
    {
        ArgumentNullException.ThrowIfNull(queueName);
        for (var i = 0; i < Options.EventQueueCount; i++)
        {
            if (queueName == Options.EventQueue(i))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Handles one events message that something else took off an events queue (the Azure Functions queue trigger), exactly as the
    /// pumps would; throws when it could not, so the message is delivered again (and ends in the poison queue after the host's maximum
    /// dequeue count).
    /// </summary>
    /// <exception cref="ArgumentException">The queue is not one of the engine's events queues.</exception>
    public Task HandleQueueMessageAsync(string queueName, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IsEventQueue(queueName))
        {
            throw new ArgumentException($"'{queueName}' is not one of this engine's events queues", nameof(queueName));
        }

        return HandleEventsAsync(text, cancellationToken);
    }
}
