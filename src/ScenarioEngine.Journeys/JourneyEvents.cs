using ScenarioEngine.Core.Language;

namespace ScenarioEngine.Journeys;

/// <summary>
/// The routing contract between ingest and running journey instances. Every customer event goes to an instance under one external
/// event name, <see cref="Name"/>, whatever its type, and the orchestrator hands each one to the journey machine, which alone decides
/// what it means (the awaited event of a waitForEvent step, an exit, the goal, or nothing). Ingest raises an event only to the
/// customer's running instances of journeys that <see cref="Reacts"/> to its type. An event for a step the instance is not at (yet)
/// is ignored by the machine, as the journey language says; one raised while the orchestrator is busy in an activity is buffered by
/// Durable Task and handled at the next wait, in the order raised.
/// </summary>
public static class JourneyEvents
{
    /// <summary>The one external event name journey instances listen to.</summary>
    public const string Name = "customer-event";

    /// <summary>True when an event of this type can change an instance of the journey (a waitForEvent step, an exit condition, or the goal).</summary>
    public static bool Reacts(Journey journey, string eventType)
    {
        ArgumentNullException.ThrowIfNull(journey);
        return Types(journey).Contains(eventType);
    }

    /// <summary>The event types the journey reacts to.</summary>
    public static IReadOnlySet<string> Types(Journey journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in journey.Steps.Values)
        {
            if (step is WaitForEventStep wait)
            {
                types.Add(wait.Match.Event);
            }
        }

        foreach (var exit in journey.ExitWhen)
        {
            types.Add(exit.Event);
        }

        if (journey.Goal is { } goal)
        {
            types.Add(goal.Match.Event);
        }

        return types;
    }
}
