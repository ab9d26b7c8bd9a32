namespace ScenarioEngine.Storage.Azure;

/// <summary>The expected outcomes of a queue message operation; anything else is a <see cref="global::Azure.RequestFailedException"/>.</summary>
public enum QueueStatus
{
    /// <summary>The operation succeeded.</summary>
    Ok,

    /// <summary>The message is gone, or is no longer held with this pop receipt.</summary>
    NotFound,
}

/// <summary>A message received from a queue; hold on to <see cref="PopReceipt"/> to delete it or extend its invisibility.</summary>
public sealed record QueueMessage(
    string MessageId,
    string PopReceipt,
    string Text,
    long DequeueCount,
    DateTimeOffset InsertedOn,
    DateTimeOffset NextVisibleOn);

/// <summary>What the service returns for a sent message.</summary>
public sealed record QueueSendReceipt(string MessageId, string PopReceipt, DateTimeOffset InsertedOn, DateTimeOffset NextVisibleOn);

/// <summary>The outcome of a visibility update: when Ok, the new pop receipt (the old one is void) and when the message reappears.</summary>
public readonly record struct QueueUpdateResult(QueueStatus Status, string? PopReceipt, DateTimeOffset? NextVisibleOn)
{
    /// <summary>True when <see cref="Status"/> is <see cref="QueueStatus.Ok"/>.</summary>
    public bool IsOk => Status == QueueStatus.Ok;
}
