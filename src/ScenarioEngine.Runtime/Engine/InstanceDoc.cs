using ScenarioEngine.Core.Machine;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>The stored form of an instance: the state plus per-step counters for statistics.</summary>
public sealed class InstanceDoc
{
    /// <summary>The instance state.</summary>
    public required JourneyInstance State { get; set; }
    /// <summary>Counters by "step.metric" (entered, sent, heldOut, skipped, deferred, failed, unknown).</summary>
    public Dictionary<string, int> Counts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Adds one to a counter.</summary>
    public void Count(string step, string metric)
    {
        var key = step + "." + metric;
        Counts[key] = Counts.GetValueOrDefault(key) + 1;
    }
}
