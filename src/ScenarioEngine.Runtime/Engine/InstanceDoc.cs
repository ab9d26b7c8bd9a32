using System.Collections.Concurrent;
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
        var key = CounterKey(step, metric);
        Counts[key] = Counts.GetValueOrDefault(key) + 1;
    }

    // Every instance row holds about ten counters, and the keys are few (the published journeys' steps times the metrics): one string
    // per key, shared by the rows that hold it, rather than one per row. Past the bound (a catalog of very many steps) each is made anew.
    private static readonly ConcurrentDictionary<(string Step, string Metric), string> CounterKeys = new();
    private const int MaxCounterKeys = 10_000;

    private static string CounterKey(string step, string metric) =>
        CounterKeys.TryGetValue((step, metric), out var key) ? key
        : CounterKeys.Count < MaxCounterKeys ? CounterKeys.GetOrAdd((step, metric), static k => k.Step + "." + k.Metric)
        : step + "." + metric;

    /// <inheritdoc />
    public InstanceDoc Copy() => new(this);
}
