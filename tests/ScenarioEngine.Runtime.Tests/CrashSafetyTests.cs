using System.Diagnostics;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;
using Xunit.Abstractions;
using static ScenarioEngine.Runtime.Tests.EngineHarness;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>
/// The fault-injection sweep of architecture section 4: the whole scenario is run once per storage call N, crashing at the N-th call
/// (with and without the call taking effect), and the invariants are checked after each run.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const int Customers = 20;

    private static readonly MessageDocument[] Messages = [Message("welcome"), Message("again"), Message("nudge")];

    private static readonly Journey Flow = Journey("""
    {
      "id": "flow", "name": "Crash flow",
      "trigger": { "event": "purchase" },
      "start": "thanks",
      "steps": {
        "thanks": { "type": "send", "medium": "email", "message": "welcome", "next": "pause" },
        "pause": { "type": "wait", "for": "P1D", "next": "watch" },
        "watch": { "type": "waitForEvent", "event": "purchase", "timeout": "P3D", "onEvent": "bought", "onTimeout": "nudge" },
        "bought": { "type": "send", "medium": "email", "message": "again", "next": "done" },
        "nudge": { "type": "send", "medium": "email", "message": "nudge", "next": "done" },
        "done": { "type": "exit" }
      }
    }
    """, Messages);

    private static string Customer(int i) => $"c{i:D2}";

    private static bool BuysTwice(int i) => i % 2 == 0;

    [Fact]
    public async Task Scenario_NoFaults_DeliversEveryMessageOnceAndExitsEveryone()
    {
        var run = await RunScenarioAsync(0, false);

        Assert.Equal(0, run.Crashes);
        Assert.Empty(await CheckAsync(run));
        Assert.Equal(2 * Customers, run.Harness.Recording(Medium.Email).Sent.Count);
        Assert.Equal(0, run.Harness.Engine.Metrics.Unknown);
        Assert.Equal(2 * Customers + Customers / 2, run.Harness.Engine.Metrics.EventsApplied);
    }

    [Theory]
    [InlineData(0)] // every dispatch through the dispatch queue (Azure Functions)
    [InlineData(1_000)] // dispatches handed to the same process (standalone host): a crash loses the handoff, the sweeper finds the row
    public async Task Scenario_CrashAtEveryStorageCall_NoEventLostNoMessageTwiceNoInstanceStuck(int localDispatchLimit)
    {
        var calls = (await RunScenarioAsync(0, false, localDispatchLimit)).Calls;
        var watch = Stopwatch.StartNew();
        var failures = new List<string>();
        var runs = 0;
        var unknown = 0L;
        var swept = 0L;
        foreach (var afterEffect in new[] { false, true })
        {
            for (var n = 1L; n <= calls; n++)
            {
                var run = await RunScenarioAsync(n, afterEffect, localDispatchLimit);
                runs++;
                unknown += run.Harness.Engine.Metrics.Unknown;
                swept += run.Harness.Engine.Metrics.Swept;
                var problems = await CheckAsync(run);
                if (run.Crashes != 1)
                {
                    problems.Add($"expected one crash, saw {run.Crashes}");
                }

                failures.AddRange(problems.Select(p => $"CrashAt={n} afterEffect={afterEffect}: {p}"));
            }
        }

        output.WriteLine($"storage calls C={calls}; runs={runs} (every N in 1..C, crash before and after effect); unknown outcomes={unknown}; swept={swept}; {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(40)) + $"{Environment.NewLine}({failures.Count} problems)");
    }

    private sealed record Run(EngineHarness Harness, long Calls, int Crashes);

    private static async Task<Run> RunScenarioAsync(long crashAt, bool afterEffect, int localDispatchLimit = 0)
    {
        var faults = new FaultInjector { CrashAt = crashAt, CrashAfterEffect = afterEffect };
        var h = new EngineHarness([Flow], Messages, new EngineOptions { HandlerConcurrency = 1, LocalDispatchLimit = localDispatchLimit }, faults: faults);
        var crashes = 0;

        // The process dies: whatever it held in memory (cached rows, handed-over dispatches) is gone. A new one starts a little
        // later; the sweeper runs.
        async Task RecoverAsync()
        {
            crashes++;
            h.Restart();
            h.Clock.Advance(h.Options.VisibilityTimeout + h.Options.SweepGrace + TimeSpan.FromSeconds(1));
            while (true)
            {
                try
                {
                    await h.Engine.SweepAsync();
                    return;
                }
                catch (OperationCanceledException)
                {
                    crashes++;
                }
            }
        }

        // Runs a step; a crash is caught, the process "restarts" and the step is run again (a client with no 202 posts again).
        async Task GuardAsync(Func<Task> step)
        {
            while (true)
            {
                try
                {
                    await step();
                    return;
                }
                catch (OperationCanceledException)
                {
                    await RecoverAsync();
                }
            }
        }

        await h.InitializeAsync();
        var identifies = Enumerable.Range(0, Customers).Select(i => Identify(Customer(i), T0)).ToArray();
        await GuardAsync(() => h.IngestAsync(identifies));
        h.Clock.MoveTo(T0.AddMinutes(1));
        var purchases = Enumerable.Range(0, Customers).Select(i => Purchase($"p1-{Customer(i)}", Customer(i), T0.AddMinutes(1))).ToArray();
        await GuardAsync(() => h.IngestAsync(purchases));
        await GuardAsync(() => h.RunUntilAsync(T0.AddDays(1.5)));
        var again = Enumerable.Range(0, Customers).Where(BuysTwice).Select(i => Purchase($"p2-{Customer(i)}", Customer(i), T0.AddDays(1.5), 1000)).ToArray();
        await GuardAsync(() => h.IngestAsync(again));
        await GuardAsync(() => h.RunUntilAsync(T0.AddDays(10)));

        // Anything still active must at least have a wake-up time, so a sweep can wake it.
        var stuck = h.Store.Dump(h.Options.CustomersTable)
            .Where(r => r.RowKey.StartsWith(Codec.InstancePrefix, StringComparison.Ordinal))
            .Select(r => Codec.Read<InstanceDoc>(r.Data).State)
            .Where(s => s.Status == InstanceStatus.Active && s.WakeAt is null).ToList();
        Assert.Empty(stuck);

        // Run far past every wait, with the periodic sweeper.
        for (var i = 0; i < 3; i++)
        {
            h.Clock.Advance(TimeSpan.FromDays(30));
            await GuardAsync(async () => await h.Engine.SweepAsync());
            await GuardAsync(() => h.RunUntilAsync(h.Clock.GetUtcNow()));
        }

        var calls = faults.Calls;
        faults.CrashAt = 0;
        return new Run(h, calls, crashes);
    }

    private static async Task<List<string>> CheckAsync(Run run)
    {
        var h = run.Harness;
        var problems = new List<string>();
        var rows = h.Store.Dump(h.Options.CustomersTable);
        var delivered = h.Recording(Medium.Email).Sent.GroupBy(m => m.IdempotencyKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        problems.AddRange(delivered.Where(kv => kv.Value > 1).Select(kv => $"{kv.Key} delivered {kv.Value} times"));

        var unknown = 0;
        var outcomeKeys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Customers; i++)
        {
            var id = Customer(i);
            var snapshot = await h.Engine.GetCustomerAsync(id);
            if (snapshot is null)
            {
                problems.Add($"{id}: no profile");
                continue;
            }

            // Every accepted event applied exactly once: the profile and the time line.
            var purchases = BuysTwice(i) ? 2 : 1;
            if (!snapshot.Profile.Computed.TryGetValue("orders.count", out var count) || count.AsNumber != purchases)
            {
                problems.Add($"{id}: orders.count {count} instead of {purchases}");
            }

            if (!snapshot.Profile.Consent.GetValueOrDefault(Medium.Email))
            {
                problems.Add($"{id}: identify not applied");
            }

            var timeline = await h.TimelineAsync(id);
            var events = timeline.Where(t => t.Kind == "event").Select(t => t.Data!["id"]).Order(StringComparer.Ordinal).ToList();
            var expectedEvents = new List<string> { Identify(id, T0).Id, $"p1-{id}" };
            if (BuysTwice(i))
            {
                expectedEvents.Add($"p2-{id}");
            }

            expectedEvents.Sort(StringComparer.Ordinal);
            if (!events.SequenceEqual(expectedEvents))
            {
                problems.Add($"{id}: events on the time line [{string.Join(", ", events)}], expected [{string.Join(", ", expectedEvents)}]");
            }

            // Every expected message has exactly one outcome: sent (and delivered once) or unknown (reported, never resent).
            var outcomes = timeline.Where(t => t.Kind == "message" && t.Data is not null && t.Data.ContainsKey("outcome")).ToList();
            var steps = outcomes.Select(o => o.StepId).Order(StringComparer.Ordinal).ToList();
            var expectedSteps = new[] { BuysTwice(i) ? "bought" : "nudge", "thanks" };
            if (!steps.SequenceEqual(expectedSteps))
            {
                problems.Add($"{id}: outcomes for steps [{string.Join(", ", steps)}], expected [{string.Join(", ", expectedSteps)}]");
            }

            foreach (var o in outcomes)
            {
                var key = o.Data!["key"];
                outcomeKeys.Add(key);
                var notBefore = o.StepId switch { "nudge" => T0.AddMinutes(1).AddDays(4), "bought" => T0.AddDays(1.5), _ => T0 };
                if (o.At < notBefore)
                {
                    problems.Add($"{id}: {key} {o.Data["outcome"]} at {o.At:O}, before {notBefore:O}");
                }

                switch (o.Data["outcome"])
                {
                    case "sent" when !delivered.ContainsKey(key):
                        problems.Add($"{id}: {key} recorded sent but never delivered");
                        break;
                    case "sent":
                        break;
                    case "unknown":
                        unknown++;
                        break;
                    default:
                        problems.Add($"{id}: {key} outcome {o.Data["outcome"]}");
                        break;
                }
            }

            // Nobody is left behind: after running far past every wait, every instance has completed.
            if (snapshot.Instances.Count != 1 || snapshot.Instances[0].State is not { Status: InstanceStatus.Exited, ExitReason: "completed" })
            {
                problems.Add($"{id}: instances {string.Join(", ", snapshot.Instances.Select(x => $"{x.State.InstanceId} {x.State.Status} at {x.State.Step} wake {x.State.WakeAt:O}"))}");
            }

            if (snapshot.Outbox.Count > 0)
            {
                problems.Add($"{id}: outbox rows left: {string.Join(", ", snapshot.Outbox.Select(o => $"{o.Key} {o.Status}"))}");
            }
        }

        problems.AddRange(delivered.Keys.Where(k => !outcomeKeys.Contains(k)).Select(k => $"{k} delivered but no outcome recorded"));
        if (h.Engine.Metrics.Unknown != unknown)
        {
            problems.Add($"Metrics.Unknown {h.Engine.Metrics.Unknown}, time lines report {unknown}");
        }

        foreach (var q in h.Queues.All.Where(q => q.Name.EndsWith("-poison", StringComparison.Ordinal)))
        {
            if (await q.CountAsync() > 0)
            {
                problems.Add($"{q.Name} holds {await q.CountAsync()} messages");
            }
        }

        if (rows.Count(r => r.RowKey.StartsWith(Codec.MarkerPrefix, StringComparison.Ordinal)) != 2 * Customers + Customers / 2)
        {
            problems.Add("wrong number of event markers");
        }

        return problems;
    }
}
