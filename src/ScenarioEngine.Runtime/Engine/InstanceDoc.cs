using ScenarioEngine.Core.Machine;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>
/// The instance row ("i|{journey}:{instance}"): the state plus per-step counters for statistics, and what the journey recorder keeps
/// there (the last record batch applied, so a batch written twice counts once, and the deferrals counted).
/// </summary>
public sealed class InstanceDoc : IRowDocument<InstanceDoc>
{
    /// <summary>An instance row with no counts yet.</summary>
    public InstanceDoc()
    {
        Counts = new(StringComparer.Ordinal);
        Deferrals = new(StringComparer.Ordinal);
    }

    // A copy (see Copy): new collections; the state is an immutable record.
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    private InstanceDoc(InstanceDoc source)
    {
        State = source.State;
        Counts = new(source.Counts, StringComparer.Ordinal);
        Batch = source.Batch;
        Deferrals = new(source.Deferrals, StringComparer.Ordinal);
    }

    /// <summary>The instance state.</summary>
    public required JourneyInstance State { get; set; }
    /// <summary>Counters by "step.metric" (entered, sent, heldOut, skipped, deferred, failed, unknown).</summary>
    public Dictionary<string, int> Counts { get; set; }

    /// <summary>The last record batch applied (0: none).</summary>
    public int Batch { get; set; }

    /// <summary>The deferrals counted, by "{idempotency key}#{attempt}" (a deferral settles no claim, so its mark is kept here).</summary>
    public HashSet<string> Deferrals { get; set; }

    /// <summary>Adds one to a counter.</summary>
    public void Count(string step, string metric)
    {
        var key = step + "." + metric;
        Counts[key] = Counts.GetValueOrDefault(key) + 1;
    }

    /// <inheritdoc />
    public InstanceDoc Copy() => new(this);
}
