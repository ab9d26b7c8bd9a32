namespace ScenarioEngine.Channels;

/// <summary>One event from SendGrid's Event Webhook, mapped to the engine's vocabulary.</summary>
public sealed record EmailEvent
{
    /// <summary>SendGrid's event type as sent (<c>delivered</c>, <c>bounce</c>, ...).</summary>
    public required string SendGridEvent { get; init; }

    /// <summary>The engine event name (<c>email.delivered</c>, ...), or null for events the engine does not track (processed, deferred).</summary>
    public string? EngineEvent { get; init; }

    /// <summary>The recipient address.</summary>
    public string? Email { get; init; }

    /// <summary>When the event happened.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>SendGrid's unique event id: the caller de-duplicates on it (SendGrid may post an event more than once).</summary>
    public string? SgEventId { get; init; }

    /// <summary>SendGrid's message id; it starts with the <c>X-Message-Id</c> returned by Mail Send.</summary>
    public string? SgMessageId { get; init; }

    /// <summary>The custom args sent with the message (outbox_id, customer_id, ...).</summary>
    public IReadOnlyDictionary<string, string> CustomArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>The message's categories.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Why a message bounced or was dropped.</summary>
    public string? Reason { get; init; }

    /// <summary>The bounce type: <c>bounce</c> (hard) or <c>blocked</c> (a temporary refusal).</summary>
    public string? BounceType { get; init; }

    /// <summary>The clicked link, for click events.</summary>
    public string? Url { get; init; }

    /// <summary>The unsubscribe group, for group unsubscribes and messages sent with one.</summary>
    public int? AsmGroupId { get; init; }

    /// <summary>Whether, and how widely, the event must stop email to this customer.</summary>
    public EmailSuppressionScope Suppression { get; init; }

    /// <summary>True when the event must suppress email for the customer.</summary>
    public bool SuppressesEmail => Suppression != EmailSuppressionScope.None;

    /// <summary>The <c>outbox_id</c> custom arg, if present.</summary>
    public string? OutboxId => CustomArgs.GetValueOrDefault("outbox_id");

    /// <summary>The <c>customer_id</c> custom arg, if present.</summary>
    public string? CustomerId => CustomArgs.GetValueOrDefault("customer_id");
}
