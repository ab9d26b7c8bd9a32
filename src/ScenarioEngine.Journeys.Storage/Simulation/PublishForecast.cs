namespace ScenarioEngine.Journeys.Storage.Simulation;

/// <summary>
/// What publishing a journey version would do in the window after publishing: how many customers it would message, and how many
/// messages by medium and by step, from a simulation over the customers' current data (see <see cref="PublishForecaster"/>).
/// </summary>
/// <param name="JourneyId">The journey.</param>
/// <param name="Version">The version publishing would create.</param>
/// <param name="AsOf">When the forecast was made: the window starts here.</param>
/// <param name="Until">The end of the window (<paramref name="AsOf"/> plus 24 hours).</param>
/// <param name="Customers">Customers who would receive at least one message in the window.</param>
/// <param name="Entered">Customers who would enter the journey in the window (holdout included).</param>
/// <param name="MessagesByMedium">Messages that would be sent in the window, by medium.</param>
/// <param name="Steps">Messages and customers per send step, in step-id order.</param>
/// <param name="Basis">Who was simulated and from what data, for this journey's trigger.</param>
public sealed record PublishForecast(
    string JourneyId, int Version, DateTimeOffset AsOf, DateTimeOffset Until, int Customers, int Entered,
    IReadOnlyDictionary<string, int> MessagesByMedium, IReadOnlyList<StepForecast> Steps, ForecastBasis Basis)
{
    /// <summary>Every message in the window.</summary>
    public int Messages => MessagesByMedium.Values.Sum();
}
