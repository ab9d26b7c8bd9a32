namespace ScenarioEngine.Runtime.Engine;

/// <summary>One time-line entry: an event, a message outcome, a journey transition or a decision.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string? JourneyId, string? StepId, string Text, IReadOnlyDictionary<string, string>? Data = null);
