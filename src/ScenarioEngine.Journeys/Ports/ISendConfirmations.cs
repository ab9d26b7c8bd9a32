namespace ScenarioEngine.Journeys.Ports;

/// <summary>
/// What a provider without an idempotency key confirmed about a send (SendGrid's Event Webhook events carrying the send's key), kept in
/// the customer's partition so the send activity can settle a send whose outcome it does not know.
/// </summary>
public interface ISendConfirmations
{
    /// <summary>
    /// Keeps <paramref name="confirmation"/>. Idempotent: the same event twice keeps one; a refusal (bounce, dropped) replaces an
    /// acceptance (processed, delivered), never the other way round, whatever order the provider posts them in.
    /// </summary>
    Task ConfirmAsync(SendConfirmation confirmation, CancellationToken cancellationToken = default);

    /// <summary>The confirmation kept for the send, or null when the provider confirmed nothing yet.</summary>
    Task<SendConfirmation?> FindAsync(string customerId, string idempotencyKey, CancellationToken cancellationToken = default);
}
