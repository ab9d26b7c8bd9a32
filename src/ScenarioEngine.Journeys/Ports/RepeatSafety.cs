namespace ScenarioEngine.Journeys.Ports;

/// <summary>How a send whose outcome is unknown is settled, by what the medium's provider does with a repeated idempotency key.</summary>
public enum RepeatSafety
{
    /// <summary>
    /// The provider de-duplicates by the key (LINE's <c>X-Line-Retry-Key</c>, the postcard batch and the recording channel keyed by
    /// send, webhook receivers told to de-duplicate by <c>X-ScenarioEngine-Idempotency-Key</c>): the send is repeated with the same key.
    /// </summary>
    SameKey,

    /// <summary>
    /// The provider has no idempotency key but confirms what it accepted (SendGrid's Event Webhook, <see cref="ISendConfirmations"/>):
    /// a confirmation settles the send; only a send not confirmed within the confirmation window is sent again.
    /// </summary>
    AfterConfirmationWindow,

    /// <summary>Neither: a repeat could reach the customer twice, so the outcome is reported as unknown.</summary>
    Never,
}
