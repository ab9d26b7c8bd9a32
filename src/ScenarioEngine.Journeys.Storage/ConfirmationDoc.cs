namespace ScenarioEngine.Journeys.Storage;

/// <summary>The stored form of a provider's confirmation of a send ("r|{key}" in the customer's partition); no personal data.</summary>
/// <param name="Provider">The provider ("SendGrid").</param>
/// <param name="ProviderEvent">Its event: processed, delivered, bounce or dropped.</param>
/// <param name="At">When the provider says it happened.</param>
internal sealed record ConfirmationDoc(string Provider, string ProviderEvent, DateTimeOffset At);
