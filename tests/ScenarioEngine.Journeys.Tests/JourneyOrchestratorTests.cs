using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Journeys.Tests;

/// <summary>The orchestrator on the in-memory test host (real-time timers of a second; a few work items each).</summary>
public sealed class JourneyOrchestratorTests
{
    [Fact]
    public async Task RunAsync_EveryAttemptDeferred_GivesUpAfterMaxSendAttemptsAndRecordsTheSendFailed()
    {
        var options = new JourneyOrchestrationOptions { MaxSendAttempts = 2, ActivityRetryInterval = TimeSpan.FromMilliseconds(200) };
        await using var host = await JourneyTestHost.StartAsync(options: options);
        host.Channel.Failure = new ChannelSendResult(ChannelSendStatus.RetryLater, "HTTP 503", RetryAfter: TimeSpan.FromMilliseconds(200));
        var journey = TestJourneys.SendWaitSend();
        host.Catalog.Publish(journey);

        var id = await host.StartAsync(TestJourneys.Start(journey, "c1"));
        await host.CompletionAsync(id);

        Assert.Empty(host.Channel.Sent);
        var statuses = host.Ledger.Outcomes.Select(o => o.Outcome.Status).ToList();
        Assert.Equal([SendStatus.Deferred, SendStatus.Deferred, SendStatus.Rejected, SendStatus.Deferred, SendStatus.Deferred, SendStatus.Rejected], statuses);
        Assert.StartsWith("gave up after 2 deferred attempts (last: HTTP 503", host.Ledger.Outcomes[2].Outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SendWaitSend_SendsBothAfterTheWaitAndRecordsOneBatchPerWaitPoint()
    {
        await using var host = await JourneyTestHost.StartAsync();
        var journey = TestJourneys.SendWaitSend();
        host.Catalog.Publish(journey);

        var id = await host.StartAsync(TestJourneys.Start(journey, "c1"));
        var outcome = await host.CompletionAsync(id);

        Assert.Equal("completed", outcome.ExitReason);
        Assert.Equal(["m1", "m2"], host.Channel.MessagesFor(id));
        var sent = host.Channel.Sent;
        Assert.True(sent[1].At - sent[0].At >= TimeSpan.FromMilliseconds(900), $"second send {sent[1].At - sent[0].At} after the first; the wait is 1 s");
        var batches = host.Recorder.For(id).ToList();
        Assert.Equal(2, batches.Count);
        Assert.Equal(["a", "w"], batches[0].Effects.OfType<StepEntered>().Select(s => s.StepId));
        Assert.Equal(["b", "x"], batches[1].Effects.OfType<StepEntered>().Select(s => s.StepId));
        Assert.Single(batches[1].Effects.OfType<Exited>());
        Assert.Equal(2, host.Recorder.Calls);
    }

    [Fact]
    public async Task RunAsync_AwaitedEventArrives_TakesTheEventBranch()
    {
        await using var host = await JourneyTestHost.StartAsync();
        var journey = WaitForPurchase("PT30S");
        host.Catalog.Publish(journey);

        var id = await host.StartAsync(TestJourneys.Start(journey, "c1"));
        await host.WaitRecordedAsync(id);
        await host.RaiseAsync(id, TestJourneys.Delivery("c1", "purchase", "p1"));
        var outcome = await host.CompletionAsync(id);

        Assert.Equal(["thanks"], host.Channel.MessagesFor(id));
        Assert.Equal("completed", outcome.ExitReason);
        Assert.Contains(host.Recorder.For(id).SelectMany(b => b.Effects).OfType<DecisionMade>(), d => d.StepId == "w" && d.Outcome == "t");
    }

    [Fact]
    public async Task RunAsync_NoEventBeforeTheTimeout_TakesTheTimeoutBranch()
    {
        await using var host = await JourneyTestHost.StartAsync();
        var journey = WaitForPurchase("PT1S");
        host.Catalog.Publish(journey);

        var id = await host.StartAsync(TestJourneys.Start(journey, "c1"));
        await host.CompletionAsync(id);

        Assert.Equal(["nudge"], host.Channel.MessagesFor(id));
    }

    [Fact]
    public async Task RunAsync_EventOfAnotherTypeWhileWaiting_IsIgnoredAndTheWaitGoesOn()
    {
        await using var host = await JourneyTestHost.StartAsync();
        var journey = WaitForPurchase("PT2S");
        host.Catalog.Publish(journey);

        var id = await host.StartAsync(TestJourneys.Start(journey, "c1"));
        await host.WaitRecordedAsync(id);
        await host.RaiseAsync(id, TestJourneys.Delivery("c1", "page.viewed", "v1"));
        await host.CompletionAsync(id);

        Assert.Equal(["nudge"], host.Channel.MessagesFor(id));
    }

    [Fact]
    public async Task RunAsync_BranchThenSplit_SendsTheMessageOfTheCaseAndTheCustomersVariant()
    {
        await using var host = await JourneyTestHost.StartAsync();
        var journey = TestJourneys.Parse("""
            "a": { "type": "branch", "cases": [ { "when": { "attr": "profile.vip", "eq": true }, "next": "s" } ], "otherwise": "plain" },
            "s": { "type": "split", "variants": [ { "name": "A", "weight": 50, "next": "va" }, { "name": "B", "weight": 50, "next": "vb" } ] },
            "va": { "type": "send", "medium": "webhook", "message": "vip-a", "next": "x" },
            "vb": { "type": "send", "medium": "webhook", "message": "vip-b", "next": "x" },
            "plain": { "type": "send", "medium": "webhook", "message": "plain", "next": "x" },
            "x": { "type": "exit" }
            """);
        host.Catalog.Publish(journey);

        var vip = await host.StartAsync(TestJourneys.Start(journey, "c1", TestJourneys.Profile("c1", ("vip", Value.From(true)))));
        var plain = await host.StartAsync(TestJourneys.Start(journey, "c2"));
        await host.CompletionAsync(vip);
        await host.CompletionAsync(plain);

        var variant = JourneyMachine.ChooseVariant((SplitStep)journey.Steps["s"], journey.Id, "c1");
        Assert.Equal([variant.Name == "A" ? "vip-a" : "vip-b"], host.Channel.MessagesFor(vip));
        Assert.Equal(["plain"], host.Channel.MessagesFor(plain));
    }

    [Fact]
    public async Task RunAsync_ExitEventWhileWaiting_ExitsWithoutSending()
    {
        await using var host = await JourneyTestHost.StartAsync();
        var journey = TestJourneys.Parse("""
            "w": { "type": "wait", "for": "PT30S", "next": "b" },
            "b": { "type": "send", "medium": "webhook", "message": "m2", "next": "x" },
            "x": { "type": "exit" }
            """, start: "w", extra: """ "exitWhen": [ { "event": "unsubscribe" } ], """);
        host.Catalog.Publish(journey);

        var id = await host.StartAsync(TestJourneys.Start(journey, "c1"));
        await host.WaitRecordedAsync(id);
        await host.RaiseAsync(id, TestJourneys.Delivery("c1", "unsubscribe", "u1"));
        var outcome = await host.CompletionAsync(id);

        Assert.Equal("exitEvent:unsubscribe", outcome.ExitReason);
        Assert.Empty(host.Channel.MessagesFor(id));
    }

    [Fact]
    public async Task RunAsync_GoalEventAfterTheLastStep_ConvertsWithinTheGoalWindow()
    {
        await using var host = await JourneyTestHost.StartAsync();
        var journey = TestJourneys.Parse("""
            "a": { "type": "send", "medium": "webhook", "message": "m1", "next": "x" },
            "x": { "type": "exit" }
            """, extra: """ "goal": { "event": "purchase", "within": "PT30S" }, """);
        host.Catalog.Publish(journey);

        var id = await host.StartAsync(TestJourneys.Start(journey, "c1"));
        await host.WaitRecordedAsync(id);
        await host.RaiseAsync(id, TestJourneys.Delivery("c1", "purchase", "p1"));
        var outcome = await host.CompletionAsync(id);

        Assert.True(outcome.Converted);
        Assert.Equal("completed", outcome.ExitReason);
        Assert.Contains(host.Recorder.For(id).SelectMany(b => b.Effects), e => e is Converted { EventId: "p1" });
    }

    [Fact]
    public async Task RunAsync_CapDefersTheSend_WaitsOnATimerAndSendsOnTheNextAttempt()
    {
        var policy = new SendPolicyOptions { Caps = [new FrequencyCap(null, 1, TimeSpan.FromSeconds(2))], OverCap = CapAction.Defer };
        await using var host = await JourneyTestHost.StartAsync(policy);
        var journey = TestJourneys.Parse("""
            "a": { "type": "send", "medium": "webhook", "message": "m1", "next": "x" },
            "x": { "type": "exit" }
            """);
        host.Catalog.Publish(journey);
        var earlier = DateTimeOffset.UtcNow;
        host.Ledger.Put(TestJourneys.Profile("c1"), new SentMessage("webhook", earlier, false));

        var id = await host.StartAsync(TestJourneys.Start(journey, "c1"));
        await host.CompletionAsync(id);

        var sent = Assert.Single(host.Channel.Sent);
        Assert.True(sent.At >= earlier + TimeSpan.FromSeconds(2), $"sent {sent.At - earlier} after the capped message; the window is 2 s");
        Assert.Equal([SendStatus.Deferred, SendStatus.Sent], host.Ledger.Outcomes.Select(o => o.Outcome.Status));
        Assert.Equal(2, sent.Command.Attempt);
    }

    [Fact]
    public async Task RunAsync_SendDeferredByACap_TheWaitAfterItCountsFromWhenItWentOut()
    {
        // Arrange: an email two seconds ago caps email (1 per 2 s), so m1 goes out about 2 s after the entry; the wait after it is 1 s.
        var policy = new SendPolicyOptions { Caps = [new FrequencyCap("email", 1, TimeSpan.FromSeconds(2))], OverCap = CapAction.Defer };
        await using var host = await JourneyTestHost.StartAsync(policy);
        var journey = TestJourneys.Parse("""
            "a": { "type": "send", "medium": "email", "message": "m1", "next": "w" },
            "w": { "type": "wait", "for": "PT1S", "next": "b" },
            "b": { "type": "send", "medium": "webhook", "message": "m2", "next": "x" },
            "x": { "type": "exit" }
            """);
        host.Catalog.Publish(journey);
        host.Ledger.Put(TestJourneys.Profile("c1"), new SentMessage("email", DateTimeOffset.UtcNow, false));

        // Act
        var id = await host.StartAsync(TestJourneys.Start(journey, "c1"));
        await host.CompletionAsync(id);

        // Assert: without the move the wake (entry + 1 s) has passed when m1 goes out, and m2 follows it at once.
        var sent = host.Channel.Sent;
        Assert.Equal(["m1", "m2"], host.Channel.MessagesFor(id));
        Assert.Equal(2, sent[0].Command.Attempt);
        Assert.True(sent[1].At - sent[0].At >= TimeSpan.FromMilliseconds(900), $"m2 {sent[1].At - sent[0].At} after m1; the wait after m1 is 1 s");
        var moved = Assert.Single(host.Recorder.For(id).SelectMany(b => b.Effects).OfType<DecisionMade>(), d => d.StepId == "w");
        Assert.Contains("went out late", moved.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NewVersionPublishedWhileWaiting_InstanceKeepsTheVersionItEntered()
    {
        await using var host = await JourneyTestHost.StartAsync();
        var v1 = WaitForPurchase("PT30S");
        host.Catalog.Publish(v1);

        var id = await host.StartAsync(TestJourneys.Start(v1, "c1"));
        await host.WaitRecordedAsync(id);
        host.Catalog.Publish(TestJourneys.Parse("""
            "w": { "type": "waitForEvent", "event": "purchase", "timeout": "PT30S", "onEvent": "t", "onTimeout": "x" },
            "t": { "type": "send", "medium": "webhook", "message": "thanks-v2", "next": "x" },
            "x": { "type": "exit" }
            """, start: "w", version: 2));
        await host.RaiseAsync(id, TestJourneys.Delivery("c1", "purchase", "p1"));
        var outcome = await host.CompletionAsync(id);

        Assert.Equal(1, outcome.Version);
        Assert.Equal(["thanks"], host.Channel.MessagesFor(id));
    }

    [Fact]
    public async Task RunAsync_MoreWaitPointsThanAnExecutionHolds_ContinuesAsNewWithItsState()
    {
        await using var host = await JourneyTestHost.StartAsync(options: new JourneyOrchestrationOptions { MaxWaitPointsPerExecution = 1 });
        var journey = TestJourneys.Parse("""
            "a": { "type": "send", "medium": "webhook", "message": "m1", "next": "w1" },
            "w1": { "type": "wait", "for": "PT1S", "next": "b" },
            "b": { "type": "send", "medium": "webhook", "message": "m2", "next": "w2" },
            "w2": { "type": "wait", "for": "PT1S", "next": "c" },
            "c": { "type": "send", "medium": "webhook", "message": "m3", "next": "x" },
            "x": { "type": "exit" }
            """);
        host.Catalog.Publish(journey);

        var id = await host.StartAsync(TestJourneys.Start(journey, "c1"));
        var outcome = await host.CompletionAsync(id);

        Assert.Equal(1, outcome.Generation);
        Assert.Equal(6, outcome.Seq);
        Assert.Equal(["m1", "m2", "m3"], host.Channel.MessagesFor(id));
        Assert.Equal([$"{id}/1/a", $"{id}/3/b", $"{id}/5/c"], host.Channel.Sent.Select(s => s.Command.IdempotencyKey));
        Assert.Equal([1, 2, 3], host.Recorder.For(id).Select(b => b.Batch));
    }

    [Fact]
    public async Task RunAsync_ProfileChangedBeforeATimerWake_TakesTheBranchOfTheCurrentProfile()
    {
        await using var host = await JourneyTestHost.StartAsync();
        var journey = TestJourneys.Parse("""
            "w": { "type": "wait", "for": "PT1S", "next": "a" },
            "a": { "type": "branch", "cases": [ { "when": { "attr": "profile.vip", "eq": true }, "next": "vip" } ], "otherwise": "plain" },
            "vip": { "type": "send", "medium": "webhook", "message": "vip", "next": "x" },
            "plain": { "type": "send", "medium": "webhook", "message": "plain", "next": "x" },
            "x": { "type": "exit" }
            """, start: "w");
        host.Catalog.Publish(journey);

        var id = await host.StartAsync(TestJourneys.Start(journey, "c1"));
        host.Ledger.Put(TestJourneys.Profile("c1", ("vip", Value.From(true))));
        await host.CompletionAsync(id);

        Assert.Equal(["vip"], host.Channel.MessagesFor(id));
    }

    [Fact]
    public async Task RunAsync_WakeFollowedOnlyByASend_ReadsNoProfileAndTheSendSeesTheCurrentOne()
    {
        // The wake's next steps read no profile: no profile activity; the send still decides on the current profile (now suppressed).
        await using var host = await JourneyTestHost.StartAsync();
        var journey = TestJourneys.SendWaitSend();
        host.Catalog.Publish(journey);

        var id = await host.StartAsync(TestJourneys.Start(journey, "c1"));
        await UntilAsync(() => host.Channel.MessagesFor(id).Count == 1);
        var withdrawn = TestJourneys.Profile("c1");
        withdrawn.Suppressed["webhook"] = "unsubscribed";
        host.Ledger.Put(withdrawn);
        await host.CompletionAsync(id);

        Assert.Equal(0, host.Ledger.ProfileReads);
        Assert.Equal(["m1"], host.Channel.MessagesFor(id));
        Assert.Equal([SendStatus.Sent, SendStatus.Skipped], host.Ledger.Outcomes.Select(o => o.Outcome.Status));
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition(), "the condition did not hold within 6 s");
    }

    private static Journey WaitForPurchase(string timeout) => TestJourneys.Parse($$"""
        "w": { "type": "waitForEvent", "event": "purchase", "timeout": "{{timeout}}", "onEvent": "t", "onTimeout": "n" },
        "t": { "type": "send", "medium": "webhook", "message": "thanks", "next": "x" },
        "n": { "type": "send", "medium": "webhook", "message": "nudge", "next": "x" },
        "x": { "type": "exit" }
        """, start: "w");
}
