using BenchmarkDotNet.Attributes;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Benchmarks;

/// <summary>The pure step function on the post-purchase cross-sell sample: entry (two steps), an event, and a wake-up (five steps).</summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 1, 0, 0, TimeSpan.Zero);
    private Journey _journey = null!;
    private CustomerProfile _profile = null!;
    private CustomerEvent _purchase = null!;
    private CustomerEvent _view = null!;
    private JourneyInstance _waiting = null!;
    private JourneyInstance _atWaitForEvent = null!;

    /// <summary>Loads the sample journey and prepares instances at each waiting step.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _journey = Samples.Journey("post-purchase-cross-sell", Samples.Messages());
        _profile = new CustomerProfile("c1") { TimeZone = "Asia/Tokyo" };
        _profile.Consent["email"] = true;
        _profile.Attributes["email"] = Value.From("a@example.com");
        _purchase = new CustomerEvent("p1", "purchase", "c1", Now, new Dictionary<string, Value> { ["amount"] = Value.From(6800) });
        _view = new CustomerEvent("v1", "page.viewed", "c1", Now, new Dictionary<string, Value> { ["url"] = Value.From("/tea") });
        _waiting = JourneyMachine.Step(_journey, null, new EnterInput("j:1", _purchase), _profile, Now, MachineSettings.Default).Instance;
        var woken = JourneyMachine.Step(_journey, _waiting, new WakeInput(_waiting.Seq), _profile, _waiting.WakeAt!.Value, MachineSettings.Default);
        _atWaitForEvent = woken.Instance;
    }

    /// <summary>Enter: thanks (send) then wait3d (wait until 10:00 local): two steps.</summary>
    [Benchmark(OperationsPerInvoke = 2)]
    public int Enter() => JourneyMachine.Step(_journey, null, new EnterInput("j:1", _purchase), _profile, Now, MachineSettings.Default).Effects.Count;

    /// <summary>An unrelated event reaching a waiting instance (goal, exit and wait checks; no step).</summary>
    [Benchmark]
    public int UnrelatedEvent() => JourneyMachine.Step(_journey, _waiting, new EventInput(_view), _profile, Now, MachineSettings.Default).Effects.Count;

    /// <summary>The waitForEvent timeout: who (branch), split, a send, done (exit): five steps counting the timeout decision.</summary>
    [Benchmark(OperationsPerInvoke = 4)]
    public int TimeoutThroughBranchSplitSendExit() =>
        JourneyMachine.Step(_journey, _atWaitForEvent, new WakeInput(_atWaitForEvent.Seq), _profile, _atWaitForEvent.WakeAt!.Value, MachineSettings.Default).Effects.Count;
}
