using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys.Tests;

/// <summary>Unknown send outcomes settled inside a running journey, on the in-memory test host (send, 1 s wait, send).</summary>
public sealed class SendSettlementOrchestratorTests
{
    [Fact]
    public async Task RunAsync_ChannelCrashesAfterDeliveringOnce_TheJourneyEndsWithExactlyOneOfEachMessageRecordedAsSent()
    {
        await using var host = await JourneyTestHost.StartAsync();
        host.Channel.CrashesAfterDelivery = 1;

        var id = await StartAsync(host);
        var outcome = await host.CompletionAsync(id);

        Assert.Equal("completed", outcome.ExitReason);
        Assert.Equal(["m1", "m2"], host.Channel.MessagesFor(id));
        Assert.Equal(3, host.Channel.Calls);
        Assert.Equal([SendStatus.Sent, SendStatus.Sent], host.Ledger.Outcomes.Select(o => o.Outcome.Status));
    }

    [Fact]
    public async Task RunAsync_CrashBetweenClaimAndSend_TheMessageIsStillSentOnce()
    {
        await using var host = await JourneyTestHost.StartAsync();
        host.Channel.CrashesBeforeDelivery = 1;

        var id = await StartAsync(host);
        await host.CompletionAsync(id);

        Assert.Equal(["m1", "m2"], host.Channel.MessagesFor(id));
    }

    [Fact]
    public async Task RunAsync_EmailTimedOutAndConfirmedWhileWaiting_WaitsOutTheWindowAndDoesNotSendAgain()
    {
        await using var host = await EmailTimingOutOnceAsync(TimeSpan.FromSeconds(2));

        var id = await StartAsync(host);
        var first = await FirstSendAsync(host);
        await host.Ledger.ConfirmAsync(new SendConfirmation("c1", first.IdempotencyKey, "SendGrid", "processed", DateTimeOffset.UtcNow));
        await host.CompletionAsync(id);

        Assert.Equal(["m1", "m2"], host.Channel.MessagesFor(id));
        var settled = host.Ledger.Outcomes.First(o => o.Key == first.IdempotencyKey).Outcome;
        Assert.Equal("confirmed by SendGrid's processed event", settled.Settlement);
    }

    [Fact]
    public async Task RunAsync_EmailTimedOutAndNeverConfirmed_SendsAgainAfterTheWindow()
    {
        await using var host = await EmailTimingOutOnceAsync(TimeSpan.FromSeconds(1));

        var id = await StartAsync(host);
        await host.CompletionAsync(id);

        Assert.Equal(["m1", "m1", "m2"], host.Channel.MessagesFor(id));
        var sent = host.Channel.Sent;
        Assert.True(sent[1].At - sent[0].At >= TimeSpan.FromMilliseconds(900), $"sent again {sent[1].At - sent[0].At} after the first; the window is 1 s");
        Assert.Equal("not confirmed within 1 s: sent again", host.Ledger.Outcomes[0].Outcome.Settlement);
    }

    [Fact]
    public async Task RunAsync_EmailAwaitingConfirmationOnItsLastAttempt_IsStillAskedAgainAndSettled()
    {
        var options = new JourneyOrchestrationOptions { MaxSendAttempts = 1, ActivityRetryInterval = TimeSpan.FromMilliseconds(200) };
        await using var host = await EmailTimingOutOnceAsync(TimeSpan.FromSeconds(1), options);

        var id = await StartAsync(host);
        await host.CompletionAsync(id);

        Assert.Equal(["m1", "m1", "m2"], host.Channel.MessagesFor(id));
        Assert.Equal([SendStatus.Sent, SendStatus.Sent], host.Ledger.Outcomes.Select(o => o.Outcome.Status));
    }

    // A provider without an idempotency key (SendGrid) whose first answer times out after it took the message.
    private static async Task<JourneyTestHost> EmailTimingOutOnceAsync(TimeSpan window, JourneyOrchestrationOptions? options = null)
    {
        var host = await JourneyTestHost.StartAsync(options: options, settlement: new SendSettlementOptions { EmailConfirmationWindow = window });
        host.Channel.Repeat = RepeatSafety.AfterConfirmationWindow;
        host.Channel.TimeoutsAfterDelivery = 1;
        return host;
    }

    private static Task<string> StartAsync(JourneyTestHost host)
    {
        var journey = TestJourneys.SendWaitSend();
        host.Catalog.Publish(journey);
        return host.StartAsync(TestJourneys.Start(journey, "c1"));
    }

    private static async Task<SendCommand> FirstSendAsync(JourneyTestHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (host.Channel.Sent.Count == 0)
        {
            await Task.Delay(20, timeout.Token);
        }

        return host.Channel.Sent[0].Command;
    }
}
