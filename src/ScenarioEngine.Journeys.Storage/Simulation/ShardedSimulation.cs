using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Journeys.Storage.Simulation;

/// <summary>
/// Runs a simulation's customers in shards, one <see cref="Simulator"/> per shard on its own thread, and merges their reports: the
/// same sends, counts and totals as one simulator over every customer, in a fraction of the time on a machine with several cores.
/// Only a simulation whose customers do not interact (<see cref="Simulator.CustomersInteract"/> false: no send rates, no analytics
/// job) is sharded; any other runs whole.
/// </summary>
public static class ShardedSimulation
{
    /// <summary>
    /// Replays <paramref name="events"/> as <see cref="Simulator.RunAsync(IEnumerable{CustomerEvent}, TimeSpan, CancellationToken)"/>
    /// does, each customer's events in one of <paramref name="shards"/> simulators made alike by <paramref name="create"/>. Every shard
    /// runs over the whole span (from the first event to the last plus <paramref name="tail"/>), so its periodic checks and its last
    /// timers fall as in one run. The report's sends are in time order, sends of the same instant by customer id (ordinal).
    /// </summary>
    public static async Task<SimulationReport> RunAsync(Func<Simulator> create, IReadOnlyList<CustomerEvent> events, TimeSpan tail, int shards,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var first = create();
        var ordered = events.OrderBy(e => e.OccurredAt).ToList();
        var (from, until) = first.Span(ordered, tail);
        if (shards == 1 || first.CustomersInteract || ordered.Count == 0)
        {
            return InOrder(await first.RunAsync(ordered, from, until, cancellationToken).ConfigureAwait(false));
        }

        var parts = new List<CustomerEvent>[shards];
        for (var i = 0; i < shards; i++)
        {
            parts[i] = [];
        }

        foreach (var e in ordered)
        {
            parts[ShardOf(e.CustomerId, shards)].Add(e);
        }

        var simulators = new Simulator[shards];
        simulators[0] = first;
        for (var i = 1; i < shards; i++)
        {
            simulators[i] = create();
        }

        var runs = new Task<SimulationReport>[shards];
        for (var i = 0; i < shards; i++)
        {
            var (simulator, part) = (simulators[i], parts[i]);
            runs[i] = Task.Run(() => simulator.RunAsync(part, from, until, cancellationToken), cancellationToken);
        }

        return InOrder(Merge(await Task.WhenAll(runs).ConfigureAwait(false)));
    }

    /// <summary>The shard of a customer: a hash of the id that is the same in every process (FNV-1a over its UTF-16 code units).</summary>
    public static int ShardOf(string customerId, int shards)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        var hash = 2166136261u;
        foreach (var c in customerId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)shards);
    }

    private static SimulationReport Merge(IReadOnlyList<SimulationReport> reports)
    {
        var stats = new Dictionary<string, JourneyStats>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            foreach (var (id, s) in report.Stats)
            {
                if (!stats.TryGetValue(id, out var total))
                {
                    stats[id] = total = new JourneyStats(id);
                }

                total.Add(s);
            }
        }

        return new SimulationReport([.. reports.SelectMany(r => r.Sends)], stats, EngineMetrics.Sum(reports.Select(r => r.Metrics)),
            reports.Sum(r => r.Events), reports.Sum(r => r.Customers));
    }

    // A stable sort: one customer's sends of the same instant keep the order they were made in.
    private static SimulationReport InOrder(SimulationReport report) =>
        report with { Sends = [.. report.Sends.OrderBy(s => s.At).ThenBy(s => s.CustomerId, StringComparer.Ordinal)] };
}
