using ScenarioEngine.Core.Machine;

namespace ScenarioEngine.Journeys.Storage;

/// <summary>
/// The instance row: the runtime's instance shape (state and "step.metric" counters, read unchanged by its statistics and "why") plus
/// the last record batch applied, the marker that makes a batch written twice count once, and the deferrals counted.
/// </summary>
internal sealed class RecordedInstanceDoc
{
    /// <summary>The instance's state after the last batch.</summary>
    public required JourneyInstance State { get; set; }

    /// <summary>Counters by "step.metric".</summary>
    public Dictionary<string, int> Counts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The last batch applied (0: none).</summary>
    public int Batch { get; set; }

    /// <summary>The deferrals counted, by "{idempotency key}#{attempt}" (a deferral settles no claim, so its mark is kept here).</summary>
    public HashSet<string> Deferrals { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Adds one to a counter.</summary>
    public void Count(string step, string metric)
    {
        var key = step + "." + metric;
        Counts[key] = Counts.GetValueOrDefault(key) + 1;
    }
}
