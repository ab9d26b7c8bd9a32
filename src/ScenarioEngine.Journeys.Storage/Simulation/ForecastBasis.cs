namespace ScenarioEngine.Journeys.Storage.Simulation;

/// <summary>What a forecast was based on.</summary>
/// <param name="Trigger">The trigger kind: event, segment, date or schedule.</param>
/// <param name="Estimate">True when the forecast replays the last 24 hours as the next 24 (event and segment triggers); false when it follows from the data (date and schedule triggers).</param>
/// <param name="Description">Who was simulated, in a sentence.</param>
/// <param name="Candidates">Customers simulated (after the re-entry rule left out those already in the journey).</param>
/// <param name="AlreadyInJourney">Customers left out because the journey's re-entry rule refuses them (they are in it, or were).</param>
/// <param name="Scanned">Customer profiles read.</param>
public sealed record ForecastBasis(string Trigger, bool Estimate, string Description, int Candidates, int AlreadyInJourney, int Scanned);
