using Microsoft.DurableTask;
using Microsoft.Extensions.Logging.Abstractions;
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
    public async Task RunAsync_ClaimedWithoutOutcome_ReportsUnknownAndDoesNotSend()
    {
        var ledger = await LedgerAsync();
        var command = Command("c1", "i1/1/a");
        var view = await ledger.ReadAsync("c1", command.IdempotencyKey);
        Assert.True(await ledger.TryClaimAsync(Claim("c1", command.IdempotencyKey), view.ETag));

        var outcome = await Activity(ledger, new SendPolicyOptions()).RunAsync(new Context(), command);

        Assert.Equal(SendStatus.Unknown, outcome.Status);
        Assert.Empty(_channel.Sent);
        var after = await ledger.ReadAsync("c1", command.IdempotencyKey);
        Assert.NotNull(after.Claim);
        Assert.Null(after.Claim.Outcome);
    }

    [Fact]
    public async Task RecordOutcome_DeferralAfterAClaim_ReleasesTheClaimAndItsPlaceInTheHistory()
    {
        var ledger = await LedgerAsync();
        var view = await ledger.ReadAsync("c1", "k1");
        Assert.True(await ledger.TryClaimAsync(Claim("c1", "k1"), view.ETag));

        await ledger.RecordOutcomeAsync("c1", "k1", new SendOutcome(SendStatus.Deferred, "retry later", DateTimeOffset.UtcNow.AddMinutes(1)));

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

        await ledger.RecordOutcomeAsync("c1", "k1", new SendOutcome(SendStatus.Rejected, "bad address"));

        var after = await ledger.ReadAsync("c1", "k1");
        Assert.Equal(SendStatus.Rejected, after.Claim!.Outcome!.Status);
        Assert.Empty(after.History);
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

    private SendActivity Activity(ISendLedger ledger, SendPolicyOptions policy) =>
        new(ledger, _recorder, _channel, policy, TimeProvider.System, NullLogger<SendActivity>.Instance);

    private static SendClaimRequest Claim(string customerId, string key) => new(customerId, key, "webhook", false, DateTimeOffset.UtcNow);

    private static SendCommand Command(string customerId, string key) => new(customerId, "i1", "j1", 1, "a", "webhook", "m1", false, key, 1);

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
