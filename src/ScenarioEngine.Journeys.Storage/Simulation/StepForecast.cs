namespace ScenarioEngine.Journeys.Storage.Simulation;

/// <summary>The messages one send step would send in the window.</summary>
/// <param name="StepId">The step.</param>
/// <param name="Medium">Its medium.</param>
/// <param name="Messages">Messages sent by the step in the window.</param>
/// <param name="Customers">Distinct customers those messages went to.</param>
public sealed record StepForecast(string StepId, string Medium, int Messages, int Customers);
