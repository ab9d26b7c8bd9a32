using Microsoft.DurableTask;
using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;
using ScenarioEngine.Journeys.Storage;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Storage.Azure;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Journeys.Tests.Storage;

/// <summary>The Table-backed send ledger's contract: run against the in-memory row store and Azure Table Storage (Azurite).</summary>
public abstract class SendLedgerContract
{
    private static readonly SendPolicyOptions OnePerHour = new() { Caps = [new FrequencyCap(null, 1, TimeSpan.FromHours(1))], OverCap = CapAction.Skip };

    private readonly JourneyTableOptions _options = new() { CustomersTable = AzuriteFixture.NewTableName("ledger") };
    private readonly FakeRecorder _recorder = new();
    private readonly FakeChannel _channel = new();

    /// <summary>The store under test.</summary>
    protected abstract IRowStore Store { get; }

    private TableSendLedger Ledger => new(Store, _options, TimeProvider.System, NullLogger<TableSendLedger>.Instance);

    private async Task<TableSendLedger> LedgerAsync()
    {
        await Store.CreateTableAsync(_options.CustomersTable);
        return Ledger;
    }

    [Fact]
    public async Task TryClaim_TwoClaimsFromOneRead_OnlyTheFirstWins()
    {
        var ledger = await LedgerAsync();
        var first = await ledger.ReadAsync("c1", "k1");
        var second = await ledger.ReadAsync("c1", "k2");

        var won = await ledger.TryClaimAsync(Claim("c1", "k1"), first.ETag);
        var lost = await ledger.TryClaimAsync(Claim("c1", "k2"), second.ETag);

        Assert.True(won);
        Assert.False(lost);
        var after = await ledger.ReadAsync("c1", "k2");
        Assert.Single(after.History);
        Assert.Null(after.Claim);
    }

    [Fact]
    public async Task RunAsync_TwoJourneysRaceForTheLastPlaceUnderACap_ExactlyOneSendsPerCustomer()
    {
        var ledger = await LedgerAsync();
        var activity = Activity(ledger, OnePerHour);
        var customers = Enumerable.Range(0, 10).Select(i => "race" + i).ToList();

        var outcomes = await Task.WhenAll(customers.SelectMany(c => new[] { "ja", "jb" }.Select(j =>
            Task.Run(() => activity.RunAsync(new Context(), Command(c, $"{j}:{c}/1/a"))))));

        foreach (var customer in customers)
        {
            Assert.Single(_channel.Sent, s => s.Command.CustomerId == customer);
            Assert.Single((await ledger.ReadAsync(customer, "any")).History);
        }

        Assert.Equal(customers.Count, outcomes.Count(o => o.Status == SendStatus.Sent));
        Assert.Equal(customers.Count, outcomes.Count(o => o.Status == SendStatus.Skipped));
    }

    [Fact]
    public async Task RunAsync_SameSendTwice_SendsOnceCountsOnceAndReturnsTheRecordedOutcome()
    {
        var ledger = await LedgerAsync();
        var activity = Activity(ledger, new SendPolicyOptions());
        var command = Command("c1", "i1/1/a");

        var first = await activity.RunAsync(new Context(), command);
        var second = await activity.RunAsync(new Context(), command);

        Assert.Single(_channel.Sent);
        Assert.Equal(SendStatus.Sent, first.Status);
        Assert.Equal(first, second);
        var view = await ledger.ReadAsync("c1", command.IdempotencyKey);
        Assert.Single(view.History);
        Assert.Equal(first, view.Claim!.Outcome);
    }

    [Fact]
    public async Task RunAsync_ClaimedWithoutOutcomeOnADedupingChannel_SendsAgainWithTheSameKeyAndRecordsIt()
    {
        var ledger = await LedgerAsync();
        await EnterAsync("c1");
        var command = Command("c1", "i1/1/a");
        var view = await ledger.ReadAsync("c1", command.IdempotencyKey);
        Assert.True(await ledger.TryClaimAsync(Claim("c1", command.IdempotencyKey), view.ETag));

        var outcome = await Activity(ledger, new SendPolicyOptions()).RunAsync(new Context(), command);

        Assert.Equal(SendStatus.Sent, outcome.Status);
        Assert.Single(_channel.Sent);
        var after = await ledger.ReadAsync("c1", command.IdempotencyKey);
        Assert.Equal(outcome, after.Claim!.Outcome);
        Assert.Single(after.History);
        var entry = Assert.Single(await MessagesAsync("c1"));
        Assert.Equal("webhook message m1 sent (provider id fake-i1/1/a); outcome unknown: sent again with the same key, which the channel de-duplicates", entry.Text);
    }

    [Fact]
    public async Task RunAsync_EmailNotConfirmedWithinTheWindow_TheTimeLineSaysItWasSentAgain()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var ledger = new TableSendLedger(Store, _options, clock, NullLogger<TableSendLedger>.Instance);
        await Store.CreateTableAsync(_options.CustomersTable);
        await EnterAsync("c1");
        await ConsentToEmailAsync("c1");
        _channel.Repeat = RepeatSafety.AfterConfirmationWindow;
        _channel.CrashesAfterDelivery = 1;
        var activity = Activity(ledger, new SendPolicyOptions(), clock);
        var command = Command("c1", "i1/1/a") with { Medium = "email" };

        await Assert.ThrowsAsync<IOException>(() => activity.RunAsync(new Context(), command));
        var waiting = await activity.RunAsync(new Context(), command);
        var claimWhileWaiting = (await ledger.ReadAsync("c1", command.IdempotencyKey)).Claim;
        clock.Now = waiting.RetryAt!.Value;
        var sent = await activity.RunAsync(new Context(), command with { Attempt = 2 });

        Assert.Equal(SendStatus.Deferred, waiting.Status);
        Assert.NotNull(claimWhileWaiting);
        Assert.Null(claimWhileWaiting.Outcome);
        Assert.Equal(SendStatus.Sent, sent.Status);
        Assert.Equal(2, _channel.Sent.Count);
        var entry = Assert.Single(await MessagesAsync("c1"));
        Assert.Equal("email message m1 sent (provider id fake-i1/1/a); not confirmed within 1 h: sent again", entry.Text);
        Assert.Equal(1, (await InstanceAsync("c1")).Counts["a.sent"]);
    }

    [Fact]
    public async Task RunAsync_EmailConfirmedByTheWebhook_TheTimeLineSaysSoAndNothingIsSentAgain()
    {
        var ledger = await LedgerAsync();
        await EnterAsync("c1");
        await ConsentToEmailAsync("c1");
        _channel.Repeat = RepeatSafety.AfterConfirmationWindow;
        _channel.CrashesAfterDelivery = 1;
        var activity = Activity(ledger, new SendPolicyOptions());
        var command = Command("c1", "i1/1/a") with { Medium = "email" };

        await Assert.ThrowsAsync<IOException>(() => activity.RunAsync(new Context(), command));
        await ledger.ConfirmAsync(new SendConfirmation("c1", command.IdempotencyKey, "SendGrid", "delivered", DateTimeOffset.UtcNow));
        var outcome = await activity.RunAsync(new Context(), command);

        Assert.Equal(SendStatus.Sent, outcome.Status);
        Assert.Single(_channel.Sent);
        var entry = Assert.Single(await MessagesAsync("c1"));
        Assert.Equal("email message m1 sent; confirmed by SendGrid's delivered event", entry.Text);
    }

    [Fact]
    public async Task RecordOutcome_Unknown_SettlesTheClaimKeepsItsPlaceUnderTheCapsAndCountsUnknown()
    {
        var ledger = await LedgerAsync();
        await EnterAsync("c1");
        var view = await ledger.ReadAsync("c1", "k1");
        Assert.True(await ledger.TryClaimAsync(Claim("c1", "k1"), view.ETag));

        await ledger.RecordOutcomeAsync(Command("c1", "k1"), new SendOutcome(SendStatus.Unknown, "the webhook channel cannot repeat it safely"));

        var after = await ledger.ReadAsync("c1", "k1");
        Assert.Equal(SendStatus.Unknown, after.Claim!.Outcome!.Status);
        Assert.Single(after.History);
        Assert.Equal(1, (await InstanceAsync("c1")).Counts["a.unknown"]);
        var entry = Assert.Single(await MessagesAsync("c1"));
        Assert.Equal("webhook message m1 outcome unknown: the webhook channel cannot repeat it safely", entry.Text);
        Assert.Equal("unknown", entry.Data!["outcome"]);
    }

    [Fact]
    public async Task Confirm_ThenFind_ReturnsTheConfirmation()
    {
        var ledger = await LedgerAsync();
        var at = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

        await ledger.ConfirmAsync(new SendConfirmation("c1", "i1/1/a", "SendGrid", "processed", at));

        Assert.Equal(new SendConfirmation("c1", "i1/1/a", "SendGrid", "processed", at), await ledger.FindAsync("c1", "i1/1/a"));
        Assert.Null(await ledger.FindAsync("c1", "i1/1/b"));
        Assert.Null(await ledger.FindAsync("c2", "i1/1/a"));
    }

    [Fact]
    public async Task Confirm_SameEventTwiceAndALaterAcceptance_KeepsTheFirst()
    {
        var ledger = await LedgerAsync();
        var at = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

        await ledger.ConfirmAsync(new SendConfirmation("c1", "k1", "SendGrid", "processed", at));
        await ledger.ConfirmAsync(new SendConfirmation("c1", "k1", "SendGrid", "processed", at));
        await ledger.ConfirmAsync(new SendConfirmation("c1", "k1", "SendGrid", "delivered", at.AddSeconds(3)));

        Assert.Equal("processed", (await ledger.FindAsync("c1", "k1"))!.ProviderEvent);
    }

    [Theory]
    [InlineData("processed", "bounce")]
    [InlineData("bounce", "processed")]
    [InlineData("dropped", "delivered")]
    public async Task Confirm_RefusalAndAcceptanceInEitherOrder_TheRefusalWins(string first, string second)
    {
        var ledger = await LedgerAsync();
        var at = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

        await ledger.ConfirmAsync(new SendConfirmation("c1", "k1", "SendGrid", first, at));
        await ledger.ConfirmAsync(new SendConfirmation("c1", "k1", "SendGrid", second, at.AddSeconds(1)));

        var kept = await ledger.FindAsync("c1", "k1");
        Assert.False(kept!.Accepted);
    }

    [Fact]
    public async Task Confirm_EventThatConfirmsNothing_ThrowsNamingTheField()
    {
        var ledger = await LedgerAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ledger.ConfirmAsync(new SendConfirmation("c1", "k1", "SendGrid", "open", DateTimeOffset.UtcNow)));

        Assert.Contains("SendConfirmation.ProviderEvent", error.Message, StringComparison.Ordinal);
        Assert.Null(await ledger.FindAsync("c1", "k1"));
    }

    [Fact]
    public async Task RecordOutcome_DeferralAfterAClaim_ReleasesTheClaimAndItsPlaceInTheHistory()
    {
        var ledger = await LedgerAsync();
        var view = await ledger.ReadAsync("c1", "k1");
        Assert.True(await ledger.TryClaimAsync(Claim("c1", "k1"), view.ETag));

        await ledger.RecordOutcomeAsync(Command("c1", "k1"), new SendOutcome(SendStatus.Deferred, "retry later", DateTimeOffset.UtcNow.AddMinutes(1)));

        var after = await ledger.ReadAsync("c1", "k1");
        Assert.Null(after.Claim);
        Assert.Empty(after.History);
    }

    [Fact]
    public async Task RecordOutcome_RejectedAfterAClaim_SettlesTheClaimAndFreesItsPlaceUnderTheCaps()
    {
        var ledger = await LedgerAsync();
        var view = await ledger.ReadAsync("c1", "k1");
        Assert.True(await ledger.TryClaimAsync(Claim("c1", "k1"), view.ETag));

        await ledger.RecordOutcomeAsync(Command("c1", "k1"), new SendOutcome(SendStatus.Rejected, "bad address"));

        var after = await ledger.ReadAsync("c1", "k1");
        Assert.Equal(SendStatus.Rejected, after.Claim!.Outcome!.Status);
        Assert.Empty(after.History);
    }

    [Fact]
    public async Task RecordOutcome_EachKind_WritesAMessageEntryAndCountsItOnTheStepAsTheRuntimeReadsThem()
    {
        var ledger = await LedgerAsync();
        await EnterAsync("c1");
        var view = await ledger.ReadAsync("c1", "k-sent");
        Assert.True(await ledger.TryClaimAsync(Claim("c1", "k-sent"), view.ETag));
        var content = new Dictionary<string, string>(StringComparer.Ordinal) { ["body"] = "Hello Ann" };

        await ledger.RecordOutcomeAsync(Command("c1", "k-sent", "a"), new SendOutcome(SendStatus.Sent, "accepted", ProviderId: "p-1"), content);
        await ledger.RecordOutcomeAsync(Command("c1", "k-skip", "b"), new SendOutcome(SendStatus.Skipped, "consent: no consent for webhook", Rule: "consent"));
        await ledger.RecordOutcomeAsync(Command("c1", "k-defer", "c"), new SendOutcome(SendStatus.Deferred, "quiet-hours: 22:00-08:00", DateTimeOffset.UtcNow.AddHours(1), Rule: "quiet-hours"));
        await ledger.RecordOutcomeAsync(Command("c1", "k-fail", "d"), new SendOutcome(SendStatus.Rejected, "bad address"));

        var counts = (await InstanceAsync("c1")).Counts;
        Assert.Equal(1, counts["a.sent"]);
        Assert.Equal(1, counts["b.skipped"]);
        Assert.Equal(1, counts["b.skipped:consent"]);
        Assert.Equal(1, counts["c.deferred"]);
        Assert.Equal(1, counts["c.deferred:quiet-hours"]);
        Assert.Equal(1, counts["d.failed"]);
        var messages = await MessagesAsync("c1");
        Assert.Equal(["a:sent", "b:skipped", "c:deferred", "d:failed"], messages.Select(m => m.StepId + ":" + m.Data!["outcome"]).Order(StringComparer.Ordinal));
        Assert.All(messages, m => Assert.Equal("j1", m.JourneyId));
        var sent = messages.Single(m => m.StepId == "a");
        Assert.Equal("webhook message m1 sent (provider id p-1)", sent.Text);
        Assert.Equal("Hello Ann", sent.Data!["body"]);
        Assert.Equal("k-sent", sent.Data["key"]);
        Assert.Equal("webhook message m1 skipped by consent: no consent for webhook", messages.Single(m => m.StepId == "b").Text);
        Assert.Equal("webhook message m1 failed: bad address", messages.Single(m => m.StepId == "d").Text);
    }

    [Fact]
    public async Task RecordOutcome_SameOutcomeTwice_WritesOneEntryAndCountsOnce()
    {
        var ledger = await LedgerAsync();
        await EnterAsync("c1");
        var view = await ledger.ReadAsync("c1", "k1");
        Assert.True(await ledger.TryClaimAsync(Claim("c1", "k1"), view.ETag));
        var sent = new SendOutcome(SendStatus.Sent, "accepted");
        var deferred = new SendOutcome(SendStatus.Deferred, "frequency-cap: 1 per hour", DateTimeOffset.UtcNow.AddHours(1), Rule: "frequency-cap");

        await ledger.RecordOutcomeAsync(Command("c1", "k1"), sent);
        await ledger.RecordOutcomeAsync(Command("c1", "k1"), sent);
        await ledger.RecordOutcomeAsync(Command("c1", "k2", "b"), deferred);
        await ledger.RecordOutcomeAsync(Command("c1", "k2", "b"), deferred);

        var counts = (await InstanceAsync("c1")).Counts;
        Assert.Equal(1, counts["a.sent"]);
        Assert.Equal(1, counts["b.deferred"]);
        Assert.Equal(1, counts["b.deferred:frequency-cap"]);
        Assert.Equal(2, (await MessagesAsync("c1")).Count);
    }

    [Fact]
    public async Task RecordOutcome_DeferredAgainOnTheNextAttempt_CountsEachAttempt()
    {
        var ledger = await LedgerAsync();
        await EnterAsync("c1");
        var deferred = new SendOutcome(SendStatus.Deferred, "frequency-cap: 1 per hour", DateTimeOffset.UtcNow.AddHours(1), Rule: "frequency-cap");

        await ledger.RecordOutcomeAsync(Command("c1", "k1"), deferred);
        await ledger.RecordOutcomeAsync(Command("c1", "k1") with { Attempt = 2 }, deferred);

        Assert.Equal(2, (await InstanceAsync("c1")).Counts["a.deferred"]);
        Assert.Equal(2, (await MessagesAsync("c1")).Count);
    }

    [Fact]
    public async Task RunAsync_ChannelRendersContent_KeepsItOnTheMessageEntry()
    {
        var ledger = await LedgerAsync();
        await EnterAsync("c1");

        await Activity(ledger, new SendPolicyOptions()).RunAsync(new Context(), Command("c1", "i1/1/a"));

        var entry = Assert.Single(await MessagesAsync("c1"));
        Assert.Equal("rendered m1", entry.Data!["body"]);
        Assert.Equal(1, (await InstanceAsync("c1")).Counts["a.sent"]);
    }

    [Fact]
    public async Task TryClaim_KeepsTheProfileAndDropsSendsOlderThanTheHistoryWindow()
    {
        var ledger = await LedgerAsync();
        var doc = new ProfileDoc { TimeZone = "Asia/Tokyo", Sends = [new SentMessage("email", DateTimeOffset.UtcNow.AddDays(-40), false)] };
        doc.Attributes["plan"] = Value.From("gold");
        await Store.CommitAsync(_options.CustomersTable, [new RowWrite(WriteKind.Insert, new StoredRow("c1", Codec.ProfileKey, Codec.Write(doc)))]);
        var view = await ledger.ReadAsync("c1", "k1");

        Assert.True(await ledger.TryClaimAsync(Claim("c1", "k1"), view.ETag));

        var profile = await ledger.ReadAsync("c1");
        Assert.Equal("gold", profile.Attributes["plan"].AsString);
        Assert.Equal("Asia/Tokyo", profile.TimeZone);
        var sent = Assert.Single((await ledger.ReadAsync("c1", "k1")).History);
        Assert.Equal("webhook", sent.Medium);
    }

    [Fact]
    public async Task TryClaim_ProfileRowReadBefore_StillHoldsTheHistoryItWasWrittenWith()
    {
        var ledger = await LedgerAsync();
        var doc = new ProfileDoc { Sends = [new SentMessage("email", DateTimeOffset.UtcNow.AddHours(-2), false)] };
        await Store.CommitAsync(_options.CustomersTable, [new RowWrite(WriteKind.Insert, Codec.Row("c1", Codec.ProfileKey, doc))]);
        var before = (await Store.GetAsync(_options.CustomersTable, "c1", Codec.ProfileKey))!;
        var view = await ledger.ReadAsync("c1", "k1");

        Assert.True(await ledger.TryClaimAsync(Claim("c1", "k1"), view.ETag));

        // The claim writes a new document; the one the earlier row holds (and the view read from it) keeps its single send.
        Assert.Single(Codec.Read<ProfileDoc>(before).Sends);
        Assert.Single(view.History);
        Assert.Equal(2, (await ledger.ReadAsync("c1", "k2")).History.Count);
    }

    [Fact]
    public async Task ReadProfile_UnknownCustomer_ReturnsAnEmptyProfile()
    {
        var ledger = await LedgerAsync();

        var profile = await ledger.ReadAsync("nobody");

        Assert.Equal("nobody", profile.CustomerId);
        Assert.Empty(profile.Attributes);
    }

    [Fact]
    public async Task Read_CustomerIdWithASlash_ThrowsNamingTheField()
    {
        var ledger = await LedgerAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ledger.ReadAsync("a/b", "k1"));

        Assert.Equal("customerId", error.ParamName);
    }

    [Fact]
    public async Task RunAsync_SendCarryingItsWaitPointsRecord_ReadsOnlyTheProfileAndTheClaimRows()
    {
        // The recorder and the ledger share the rows they last wrote: recording the batch starts from the instance row this process
        // wrote, the claim from the profile row read for the decision, the outcome from the claim and instance rows just committed.
        var ledger = await LedgerAsync();
        await EnterAsync("c1");
        var counting = new CountingRowStore(Store);
        var recent = new RecentRows();
        var shared = new TableSendLedger(counting, _options, TimeProvider.System, NullLogger<TableSendLedger>.Instance, recent: recent);
        var recorder = new TableJourneyRecorder(counting, _options, NullLogger<TableJourneyRecorder>.Instance, recent: recent);
        var activity = Activity(shared, new SendPolicyOptions(), recorder: recorder);
        var at = DateTimeOffset.UtcNow;
        var state = (await InstanceAsync("c1")).State with { Step = "b", Seq = 3 };
        var record = new JourneyRecord("c1", "i1", "j1", 1, 2, at, [new StepEntered("w", "wait"), new StepEntered("b", "send")]) { Instance = state };

        var first = await activity.RunAsync(new Context(), Command("c1", "i1/2/a", "a"));
        var afterFirst = counting.Gets;
        var second = await activity.RunAsync(new Context(), Command("c1", "i1/3/b", "b") with { Record = record });

        Assert.Equal(SendStatus.Sent, first.Status);
        Assert.Equal(SendStatus.Sent, second.Status);
        Assert.Equal(2, counting.Gets - afterFirst);
        var counts = (await InstanceAsync("c1")).Counts;
        Assert.Equal(1, counts["a.sent"]);
        Assert.Equal(1, counts["b.sent"]);
        Assert.Equal(1, counts["b.entered"]);
        Assert.Equal(2, (await ledger.ReadAsync("c1", "any")).History.Count);
    }

    [Fact]
    public async Task RunAsync_FirstSendOfAnInstanceIngestStarted_ReadsOnlyTheProfileAndTheClaimRows()
    {
        // Ingest remembers the instance row it commits in the process's RecentRows: the first send's batch starts from it, unread.
        await Store.CreateTableAsync(_options.CustomersTable);
        var counting = new CountingRowStore(Store);
        var recent = new RecentRows();
        var instanceId = await IngestStartAsync(counting, recent, "c1");
        var ledger = new TableSendLedger(counting, _options, TimeProvider.System, NullLogger<TableSendLedger>.Instance, recent: recent);
        var recorder = new TableJourneyRecorder(counting, _options, NullLogger<TableJourneyRecorder>.Instance, recent: recent);
        var command = FirstSend("c1", instanceId, (await InstanceAsync("c1")).State);
        var gets = counting.Gets;

        var outcome = await Activity(ledger, new SendPolicyOptions(), recorder: recorder).RunAsync(new Context(), command);

        Assert.Equal(SendStatus.Sent, outcome.Status);
        Assert.Equal(2, counting.Gets - gets);
        var counts = (await InstanceAsync("c1")).Counts;
        Assert.Equal(1, counts["a.entered"]);
        Assert.Equal(1, counts["a.sent"]);
    }

    [Fact]
    public async Task RunAsync_InstanceRowIngestWroteChangedByAnotherHostBeforeTheFirstSend_RecordsTheBatchOnceAndSendsOnce()
    {
        // This host remembers the instance row its ingest wrote; another host then records the first batch on it (the activity run
        // there too): the claim, conditioned on the remembered ETag, fails once, then reads the row, finds the batch there and sends.
        await Store.CreateTableAsync(_options.CustomersTable);
        var counting = new CountingRowStore(Store);
        var recent = new RecentRows();
        var instanceId = await IngestStartAsync(Store, recent, "c1");
        var command = FirstSend("c1", instanceId, (await InstanceAsync("c1")).State);
        await new TableJourneyRecorder(Store, _options, NullLogger<TableJourneyRecorder>.Instance).RecordAsync(command.Record!);
        var ledger = new TableSendLedger(counting, _options, TimeProvider.System, NullLogger<TableSendLedger>.Instance, recent: recent);
        var recorder = new TableJourneyRecorder(counting, _options, NullLogger<TableJourneyRecorder>.Instance, recent: recent);

        var outcome = await Activity(ledger, new SendPolicyOptions(), recorder: recorder).RunAsync(new Context(), command);

        Assert.Equal(SendStatus.Sent, outcome.Status);
        Assert.Equal(3, counting.Commits); // the claim on the remembered row refused, the claim, the outcome
        var counts = (await InstanceAsync("c1")).Counts;
        Assert.Equal(1, counts["a.entered"]);
        Assert.Equal(1, counts["a.sent"]);
        Assert.Single(_channel.Sent);
    }

    [Fact]
    public async Task RunAsync_SendCarryingARecord_WritesTheBatchWithTheClaimInTwoTransactions()
    {
        // The batch goes into the claim's transaction: one for the claim and batch, one for the outcome; nothing recorded twice.
        var ledger = await LedgerAsync();
        await EnterAsync("c1");
        var commits = new CountingRowStore(Store);
        var counted = new TableSendLedger(commits, _options, TimeProvider.System, NullLogger<TableSendLedger>.Instance);
        var activity = Activity(counted, new SendPolicyOptions());
        var state = (await InstanceAsync("c1")).State with { Step = "b", Seq = 3 };
        var record = new JourneyRecord("c1", "i1", "j1", 1, 2, DateTimeOffset.UtcNow, [new StepEntered("w", "wait"), new StepEntered("b", "send")]) { Instance = state };
        var command = Command("c1", "i1/3/b", "b") with { Record = record };

        var outcome = await activity.RunAsync(new Context(), command);
        var again = await activity.RunAsync(new Context(), command);

        Assert.Equal(SendStatus.Sent, outcome.Status);
        Assert.Equal(outcome, again);
        Assert.Equal(2, commits.Commits);
        var instance = await InstanceAsync("c1");
        Assert.Equal(1, instance.Counts["b.entered"]);
        Assert.Equal(1, instance.Counts["b.sent"]);
        Assert.Equal("b", instance.State.Step);
        Assert.Empty(_recorder.Batches);
    }

    [Fact]
    public async Task RunAsync_SendHeldBeforeAnyClaimCarryingARecord_WritesTheBatchWithTheOutcome()
    {
        var ledger = await LedgerAsync();
        await EnterAsync("c1");
        var state = (await InstanceAsync("c1")).State with { Step = "b", Seq = 3 };
        var record = new JourneyRecord("c1", "i1", "j1", 1, 2, DateTimeOffset.UtcNow, [new DecisionMade("w", "b", "waited a day"), new StepEntered("b", "send")])
        {
            Instance = state,
        };
        var email = Command("c1", "i1/3/b", "b") with { Medium = "email", Record = record };

        var outcome = await Activity(ledger, new SendPolicyOptions()).RunAsync(new Context(), email);

        Assert.Equal(SendStatus.Skipped, outcome.Status);
        var instance = await InstanceAsync("c1");
        Assert.Equal(1, instance.Counts["b.entered"]);
        Assert.Equal(1, instance.Counts["b.skipped:consent"]);
        var decisions = (await Store.QueryAsync(_options.CustomersTable, "c1", Codec.TimelinePrefix, "t}")).SelectMany(Codec.Read<List<TimelineEntry>>)
            .Where(t => t.Kind == "decision").ToList();
        Assert.Equal("-> b: waited a day", Assert.Single(decisions).Text);
    }

    [Fact]
    public async Task TryClaim_RecordThatUpdatesTheProfile_ThrowsNamingTheRecorder()
    {
        var ledger = await LedgerAsync();
        var view = await ledger.ReadAsync("c1", "k1");
        var record = new JourneyRecord("c1", "i1", "j1", 1, 1, DateTimeOffset.UtcNow, [new ProfileUpdated("u", [])]);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryClaimAsync(Claim("c1", "k1") with { Record = record }, view.ETag));

        Assert.Contains("updates the profile: record it (IJourneyRecorder) before the send", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordOutcome_InstanceRowChangedByAnotherHostAfterTheClaim_KeepsTheOtherHostsWrite()
    {
        // This host remembers the instance row it wrote; another host then changes it: the outcome's write, conditioned on the
        // remembered ETag, fails once, reads the row and counts on top of the other host's write.
        await Store.CreateTableAsync(_options.CustomersTable);
        var recent = new RecentRows();
        var here = new TableSendLedger(Store, _options, TimeProvider.System, NullLogger<TableSendLedger>.Instance, recent: recent);
        var hereRecorder = new TableJourneyRecorder(Store, _options, NullLogger<TableJourneyRecorder>.Instance, recent: recent);
        await EnterAsync("c1", hereRecorder);
        var view = await here.ReadAsync("c1", "k1");
        Assert.True(await here.TryClaimAsync(Claim("c1", "k1"), view.ETag));
        var elsewhere = new TableJourneyRecorder(Store, _options, NullLogger<TableJourneyRecorder>.Instance);
        var state = (await InstanceAsync("c1")).State with { Step = "z" };
        await elsewhere.RecordAsync(new JourneyRecord("c1", "i1", "j1", 1, 2, DateTimeOffset.UtcNow, [new StepEntered("z", "send")]) { Instance = state });

        await here.RecordOutcomeAsync(Command("c1", "k1", "a"), new SendOutcome(SendStatus.Sent, "accepted"));

        var instance = await InstanceAsync("c1");
        Assert.Equal(1, instance.Counts["z.entered"]);
        Assert.Equal(1, instance.Counts["a.sent"]);
        Assert.Equal("z", instance.State.Step);
    }

    private SendActivity Activity(TableSendLedger ledger, SendPolicyOptions policy, TimeProvider? time = null, IJourneyRecorder? recorder = null) =>
        new(ledger, recorder ?? _recorder, _channel, Gate(),
            new SendSettlement(ledger, ledger, _channel, new SendSettlementOptions(), time ?? TimeProvider.System, NullLogger<SendSettlement>.Instance),
            policy, time ?? TimeProvider.System, NullLogger<SendActivity>.Instance);

    private static SendGate Gate()
    {
        var state = new FakeSendGateState();
        return new SendGate(state, state, new SendingOptions(), TimeProvider.System, NullLogger<SendGate>.Instance);
    }

    private static SendClaimRequest Claim(string customerId, string key) => new(customerId, key, "webhook", false, DateTimeOffset.UtcNow);

    private static SendCommand Command(string customerId, string key, string step = "a") => new(customerId, "i1", "j1", 1, step, "webhook", "m1", false, key, 1);

    private async Task ConsentToEmailAsync(string customerId)
    {
        var doc = new ProfileDoc();
        doc.Consent["email"] = true;
        await Store.CommitAsync(_options.CustomersTable, [new RowWrite(WriteKind.Insert, new StoredRow(customerId, Codec.ProfileKey, Codec.Write(doc)))]);
    }

    // A signup applied by the engine's ingest over store, entering j1 (send a, wait, send b): ingest writes the instance row.
    private async Task<string> IngestStartAsync(IRowStore store, RecentRows recent, string customerId)
    {
        var catalog = new Catalog();
        catalog.Publish(TestJourneys.SendWaitSend());
        var instances = new FakeJourneyInstances();
        var engine = new JourneyEngine(store, new InMemoryQueueFactory(TimeProvider.System), catalog, instances, TimeProvider.System,
            new EngineOptions { CustomersTable = _options.CustomersTable }, recentRows: recent);

        await engine.ApplyNowAsync([TestJourneys.Event(customerId, "signup", "e-" + customerId)]);

        return Assert.Single(instances.Started).InstanceId;
    }

    // The first send of an instance as the orchestrator makes it: carrying the batch of the steps up to it.
    private static SendCommand FirstSend(string customerId, string instanceId, JourneyInstance entered) =>
        new SendCommand(customerId, instanceId, "j1", 1, "a", "webhook", "m1", false, instanceId + "/1/a", 1)
        {
            Record = new JourneyRecord(customerId, instanceId, "j1", 1, 1, DateTimeOffset.UtcNow, [new StepEntered("a", "send")]) { Instance = entered },
        };

    // The instance row the recorder writes when the instance enters (the ledger counts outcomes on it).
    private async Task EnterAsync(string customerId, TableJourneyRecorder? recorder = null)
    {
        var at = DateTimeOffset.UtcNow;
        var state = new JourneyInstance
        {
            InstanceId = "i1", JourneyId = "j1", Version = 1, CustomerId = customerId, Status = InstanceStatus.Active, Step = "a", Seq = 1,
            EnteredAt = at, StepEnteredAt = at, Trigger = CustomerEvent.NoProperties,
        };
        recorder ??= new TableJourneyRecorder(Store, _options, NullLogger<TableJourneyRecorder>.Instance);
        await recorder.RecordAsync(new JourneyRecord(customerId, "i1", "j1", 1, 1, at, [new StepEntered("a", "send")]) { Instance = state });
    }

    private async Task<InstanceDoc> InstanceAsync(string customerId) =>
        Codec.Read<InstanceDoc>(Assert.Single(await Store.QueryAsync(_options.CustomersTable, customerId, Codec.InstancePrefix, "i}")));

    private async Task<List<TimelineEntry>> MessagesAsync(string customerId) =>
        (await Store.QueryAsync(_options.CustomersTable, customerId, Codec.TimelinePrefix, "t}"))
        .SelectMany(Codec.Read<List<TimelineEntry>>).Where(t => t.Kind == "message").ToList();

    private sealed class Context : TaskActivityContext
    {
        public override TaskName Name => new(SendActivity.Name);

        public override string InstanceId => "i1";
    }
}

/// <summary>The send-ledger contract on the in-memory row store.</summary>
public sealed class InMemorySendLedgerTests : SendLedgerContract
{
    protected override IRowStore Store { get; } = new InMemoryRowStore();
}

/// <summary>The send-ledger contract on Azure Table Storage (Azurite).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteSendLedgerTests(AzuriteFixture azurite) : SendLedgerContract
{
    protected override IRowStore Store { get; } = StorageClients.FromConnectionString(azurite.ConnectionString).CreateRowStore();
}
