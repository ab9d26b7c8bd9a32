using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using ScenarioEngine.Core.Language;

namespace ScenarioEngine.Core.Machine;

/// <summary>
/// The steps of a journey whose timer wake reads the customer's profile (<see cref="JourneyMachine.WakeReadsProfile"/>),
/// found once per parsed journey: a journey is immutable and the catalog shares one per version, while an orchestrator asks on every
/// wake and every replay.
/// </summary>
internal static class WakeProfileReads
{
    // Keyed by the journey object, not its value: a record copied with other steps is another key, and a version no longer loaded is
    // collected with its entry.
    private static readonly ConditionalWeakTable<Journey, FrozenSet<string>> Cache = new();

    /// <summary>The ids of the journey's steps whose timer wake reads the profile; the same set for the same journey object.</summary>
    public static FrozenSet<string> Of(Journey journey) => Cache.GetValue(journey, Find);

    private static FrozenSet<string> Find(Journey journey) =>
        journey.Steps.Values.Where(s => ReadsProfile(journey, s)).Select(s => s.Id).ToFrozenSet(StringComparer.Ordinal);

    private static bool ReadsProfile(Journey journey, Step waiting)
    {
        if (journey.Audience is not null)
        {
            return true;
        }

        var next = waiting switch
        {
            WaitStep w => w.Next,
            WaitForEventStep w => w.OnTimeout,
            _ => null,
        };
        var pending = new Stack<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (next is not null)
        {
            pending.Push(next);
        }

        while (pending.TryPop(out var stepId))
        {
            if (!seen.Add(stepId))
            {
                continue;
            }

            switch (journey.Steps[stepId])
            {
                case BranchStep or UpdateStep:
                case WaitStep { AtLocalTime: not null } or WaitStep { UntilAttribute: not null }:
                    return true;
                case WaitStep { Waits: true } or WaitForEventStep or ExitStep:
                    break;
                case var step:
                    // A send, a split, or a wait that may not wait (a date already past): the steps after it run in the same wake.
                    foreach (var successor in step.Successors)
                    {
                        pending.Push(successor);
                    }

                    break;
            }
        }

        return false;
    }
}
