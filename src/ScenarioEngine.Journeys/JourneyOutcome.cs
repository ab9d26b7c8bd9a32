namespace ScenarioEngine.Journeys;

/// <summary>The output of a finished journey orchestration.</summary>
/// <param name="InstanceId">The instance id.</param>
/// <param name="JourneyId">The journey.</param>
/// <param name="Version">The journey version the instance ran (the one it entered).</param>
/// <param name="ExitReason">completed, exitEvent:&lt;type&gt;, audienceLost or runaway.</param>
/// <param name="LastStep">The step the instance was at when it exited.</param>
/// <param name="Seq">Steps entered.</param>
/// <param name="Converted">True when the goal was reached.</param>
/// <param name="Generation">How many times the instance continued as new.</param>
public sealed record JourneyOutcome(string InstanceId, string JourneyId, int Version, string? ExitReason, string? LastStep, int Seq, bool Converted, int Generation);
