using ScenarioEngine.Api.Settings;
using ScenarioEngine.Journeys.Storage.Simulation;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>
/// POST /api/journeys/{id}/publish-preview, and the "preview" of a 409 from publish: what the draft, published now as
/// <paramref name="Version"/>, would send between <paramref name="AsOf"/> and <paramref name="Until"/>.
/// </summary>
/// <param name="JourneyId">The journey.</param>
/// <param name="Version">The version publishing would create.</param>
/// <param name="AsOf">When the forecast was made.</param>
/// <param name="Until">The end of the 24-hour window.</param>
/// <param name="Customers">Customers who would receive at least one message in the window.</param>
/// <param name="Entered">Customers who would enter the journey in the window (holdout included).</param>
/// <param name="Messages">Messages in the window.</param>
/// <param name="MessagesByMedium">Messages by medium.</param>
/// <param name="Steps">Messages and customers per send step.</param>
/// <param name="Basis">Who was simulated for this trigger kind, and whether the figure is an estimate.</param>
/// <param name="ConfirmAbove">The Publishing:ConfirmAbove setting in force.</param>
/// <param name="ConfirmationRequired">True when publishing needs <c>?confirm=</c><paramref name="Customers"/>.</param>
public sealed record PublishPreview(
    string JourneyId, int Version, DateTimeOffset AsOf, DateTimeOffset Until, int Customers, int Entered, int Messages,
    IReadOnlyDictionary<string, int> MessagesByMedium, IReadOnlyList<StepForecast> Steps, ForecastBasis Basis, int ConfirmAbove, bool ConfirmationRequired)
{
    /// <summary>The view of a forecast under the publishing settings.</summary>
    public static PublishPreview From(PublishForecast f, PublishingOptions publishing) =>
        new(f.JourneyId, f.Version, f.AsOf, f.Until, f.Customers, f.Entered, f.Messages, f.MessagesByMedium, f.Steps, f.Basis,
            publishing.ConfirmAbove, publishing.NeedsConfirmation(f.Customers));
}
