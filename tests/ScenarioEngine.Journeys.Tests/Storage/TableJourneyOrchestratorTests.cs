using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Sending;
using ScenarioEngine.Journeys.Storage;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Journeys.Tests.Storage;

/// <summary>The orchestrator on the in-memory test host with the Table-backed ports on the in-memory row store: the ports plug in.</summary>
public sealed class TableJourneyOrchestratorTests
{
    private const string Table = "customers";
    private readonly InMemoryRowStore _store = new();

    [Fact]
    public async Task RunAsync_SendWaitSend_SendsBothOnceAndLeavesLedgerInstanceAndMessageRows()
    {
        await using var host = await JourneyTestHost.StartAsync(tables: _store);
        var journey = TestJourneys.SendWaitSend();
        host.Catalog.Publish(journey);

        var id = await host.StartAsync(TestJourneys.Start(journey, "c1"));
        var outcome = await host.CompletionAsync(id);

        Assert.Equal("completed", outcome.ExitReason);
        Assert.Equal(["m1", "m2"], host.Channel.MessagesFor(id));
        var profile = Codec.Read<ProfileDoc>((await _store.GetAsync(Table, "c1", Codec.ProfileKey))!);
        Assert.Equal(2, profile.Sends.Count);
        var instance = Codec.Read<InstanceDoc>(Assert.Single(await _store.QueryAsync(Table, "c1", Codec.InstancePrefix, "i}")));
        Assert.Equal(InstanceStatus.Exited, instance.State.Status);
        Assert.Equal(1, instance.Counts["b.entered"]);
        Assert.Equal(1, instance.Counts["(exit).completed"]);
        Assert.Equal(1, instance.Counts["a.sent"]);
        Assert.Equal(1, instance.Counts["b.sent"]);
        var timeline = (await _store.QueryAsync(Table, "c1", Codec.TimelinePrefix, "t}")).SelectMany(Codec.Read<List<TimelineEntry>>).ToList();
        var messages = timeline.Where(t => t.Kind == "message").ToList();
        Assert.Equal(["b", "a"], messages.Select(m => m.StepId));
        Assert.Equal(["rendered m2", "rendered m1"], messages.Select(m => m.Data!["body"]));
        Assert.All(messages, m => Assert.Equal("sent", m.Data!["outcome"]));
    }

    [Fact]
    public async Task RunAsync_CapDefersTheSend_WaitsOnATimerAndSendsOnTheNextAttempt()
    {
        var policy = new SendPolicyOptions { Caps = [new FrequencyCap(null, 1, TimeSpan.FromSeconds(2))], OverCap = CapAction.Defer };
        await using var host = await JourneyTestHost.StartAsync(policy, tables: _store);
        var journey = TestJourneys.Parse("""
            "a": { "type": "send", "medium": "webhook", "message": "m1", "next": "x" },
            "x": { "type": "exit" }
            """);
        host.Catalog.Publish(journey);
        var earlier = DateTimeOffset.UtcNow;
        var doc = new ProfileDoc { Sends = [new SentMessage("webhook", earlier, false)] };
        await _store.CommitAsync(Table, [new RowWrite(WriteKind.Insert, new StoredRow("c1", Codec.ProfileKey, Codec.Write(doc)))]);

        var id = await host.StartAsync(TestJourneys.Start(journey, "c1"));
        await host.CompletionAsync(id);

        var sent = Assert.Single(host.Channel.Sent);
        Assert.True(sent.At >= earlier + TimeSpan.FromSeconds(2), $"sent {sent.At - earlier} after the capped message; the window is 2 s");
        Assert.Equal(2, sent.Command.Attempt);
        Assert.Equal(2, Codec.Read<ProfileDoc>((await _store.GetAsync(Table, "c1", Codec.ProfileKey))!).Sends.Count);
    }

    [Fact]
    public async Task RunAsync_SendsOverTheRate_DeferredOnTheTimeLineAndCountedAsDeferredRateThenSentOnce()
    {
        var sending = new SendingOptions { Rate = { ["webhook"] = 3 }, RateWindow = TimeSpan.FromSeconds(2) };
        await using var host = await JourneyTestHost.StartAsync(tables: _store, sending: sending);
        // Other sends already hold every place up to two windows ahead, so each of these asks while it is full and is deferred.
        var booked = new RateCursor(SendRate.WindowOf(DateTimeOffset.UtcNow, sending.RateWindow) + (2 * sending.RateWindow), 3);
        Assert.True(await new TableSendGateState(_store, new JourneyTableOptions()).TryWriteAsync("webhook", 0, booked, ""));
        var journey = TestJourneys.SendOnce();
        host.Catalog.Publish(journey);
        var customers = Enumerable.Range(0, 5).Select(i => "r" + i).ToList();

        await host.CompletionAsync(await host.StartAllAsync(journey, customers));

        Assert.Equal(customers, host.Channel.Sent.Select(s => s.Command.CustomerId).Order(StringComparer.Ordinal));
        var instances = new List<InstanceDoc>();
        var messages = new List<TimelineEntry>();
        foreach (var customer in customers)
        {
            instances.Add(Codec.Read<InstanceDoc>(Assert.Single(await _store.QueryAsync(Table, customer, Codec.InstancePrefix, "i}"))));
            messages.AddRange((await _store.QueryAsync(Table, customer, Codec.TimelinePrefix, "t}")).SelectMany(Codec.Read<List<TimelineEntry>>).Where(t => t.Kind == "message"));
        }

        Assert.All(instances, i => Assert.Equal(1, i.Counts["a.sent"]));
        var deferred = instances.Sum(i => i.Counts.GetValueOrDefault("a.deferred:rate"));
        Assert.All(instances, i => Assert.True(i.Counts.GetValueOrDefault("a.deferred:rate") >= 1, "every send waited for a window with room"));
        Assert.Equal(deferred, instances.Sum(i => i.Counts.GetValueOrDefault("a.deferred")));
        Assert.Equal(deferred, messages.Count(m => m.Data!["outcome"] == "deferred" && m.Text.Contains("rate: webhook is limited to 3 per 00:00:02", StringComparison.Ordinal)));
    }
}
