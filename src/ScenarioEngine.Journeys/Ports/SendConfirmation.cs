namespace ScenarioEngine.Journeys.Ports;

/// <summary>A provider's word on one send: it accepted it (processed, delivered) or refused it (bounce, dropped).</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="IdempotencyKey">The send's key, as the provider echoed it back.</param>
/// <param name="Provider">The provider, for the time line ("SendGrid").</param>
/// <param name="ProviderEvent">The provider's event: processed, delivered, bounce or dropped.</param>
/// <param name="At">When the provider says it happened.</param>
public sealed record SendConfirmation(string CustomerId, string IdempotencyKey, string Provider, string ProviderEvent, DateTimeOffset At)
{
    /// <summary>The events that confirm a send, in the provider's spelling.</summary>
    public static readonly IReadOnlyList<string> Events = ["processed", "delivered", "bounce", "dropped"];

    /// <summary>True when the provider accepted the message (processed, delivered); false when it refused it (bounce, dropped).</summary>
    public bool Accepted => ProviderEvent is "processed" or "delivered";

    /// <summary>True for a provider event that confirms a send.</summary>
    public static bool Confirms(string? providerEvent) => providerEvent is not null && Events.Contains(providerEvent);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field missing or out of range.</summary>
    public void Validate()
    {
        foreach (var (value, name) in new[] { (CustomerId, nameof(CustomerId)), (IdempotencyKey, nameof(IdempotencyKey)), (Provider, nameof(Provider)) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"SendConfirmation.{name} is required (a non-empty string).", name);
            }
        }

        if (!Confirms(ProviderEvent))
        {
            throw new ArgumentException($"SendConfirmation.{nameof(ProviderEvent)} must be one of {string.Join(", ", Events)}, got '{ProviderEvent}'.", nameof(ProviderEvent));
        }
    }
}
