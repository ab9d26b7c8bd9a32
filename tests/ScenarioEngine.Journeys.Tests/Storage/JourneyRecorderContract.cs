using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Storage;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Storage.Azure;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Journeys.Tests.Storage;

/// <summary>The Table-backed recorder's contract: run against the in-memory row store and Azure Table Storage (Azurite).</summary>
public abstract class JourneyRecorderContract
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly JourneyTableOptions _options = new() { CustomersTable = AzuriteFixture.NewTableName("recorder") };

    /// <summary>The store under test.</summary>
    protected abstract IRowStore Store { get; }

    private string Table => _options.CustomersTable;

    private async Task<TableJourneyRecorder> RecorderAsync()
    {
        await Store.CreateTableAsync(Table);
        return new TableJourneyRecorder(Store, _options, NullLogger<TableJourneyRecorder>.Instance);
    }

    [Fact]
    public async Task Record_SameBatchTwice_CountsOnceAndWritesOneTimelineRow()
    {
        var recorder = await RecorderAsync();
        var batch = Batch("c1", 1, new StepEntered("a", "send"), new DecisionMade("a", "t", "vip"));

        await recorder.RecordAsync(batch);
        await recorder.RecordAsync(batch);

        var instance = Assert.Single(await Store.QueryAsync(Table, "c1", Codec.InstancePrefix, "i}"));
        Assert.Equal(1, Codec.Read<InstanceDoc>(instance).Counts["a.entered"]);
        Assert.Single(await Store.QueryAsync(Table, "c1", Codec.TimelinePrefix, "t}"));
    }

    [Fact]
    public async Task Record_Batches_WriteRowsTheRuntimesReadersRead()
    {
        var recorder = await RecorderAsync();

        await recorder.RecordAsync(Batch("c1", 1, new StepEntered("a", "send"), new StepEntered("w", "wait")));
        await recorder.RecordAsync(Batch("c1", 2, new StepEntered("b", "send"), new Exited("completed")) with { At = At.AddDays(1) });

        // The runtime's statistics scan "i|{journey}:" and read the instance shape; its time line reads "t|" rows newest first.
        var rows = await ToListAsync(Store.ScanAsync(Table, Codec.InstancePrefix + "j1:"));
        var doc = Codec.Read<InstanceDoc>(Assert.Single(rows));
        Assert.Equal("x", doc.State.Step);
        Assert.Equal(1, doc.Counts["(exit).completed"]);
        Assert.Equal(1, doc.Counts["b.entered"]);
        var timeline = (await Store.QueryAsync(Table, "c1", Codec.TimelinePrefix, "t}")).SelectMany(r => Enumerable.Reverse(Codec.Read<List<TimelineEntry>>(r))).ToList();
        Assert.Equal(["exited: completed", "entered version 1"], timeline.Select(t => t.Text));
        Assert.All(timeline, t => Assert.Equal("j1", t.JourneyId));
    }

    [Fact]
    public async Task Record_ManyCustomers_CountsOnEachCustomersOwnRowAndSumsOnRead()
    {
        var recorder = await RecorderAsync();
        var customers = Enumerable.Range(0, 20).Select(i => "n" + i).ToList();

        await Task.WhenAll(customers.Select(c => recorder.RecordAsync(Batch(c, 1, new StepEntered("a", "send")))));

        var rows = await ToListAsync(Store.ScanAsync(Table, Codec.InstancePrefix + "j1:"));
        Assert.Equal(customers.Order(StringComparer.Ordinal), rows.Select(r => r.PartitionKey).Order(StringComparer.Ordinal));
        Assert.Equal(customers.Count, rows.Sum(r => Codec.Read<InstanceDoc>(r).Counts["a.entered"]));
    }

    [Fact]
    public async Task Record_ProfileIncrementTwice_AppliesOnceAndKeepsTheSendHistory()
    {
        var recorder = await RecorderAsync();
        var history = new SentMessage("email", At, false);
        await Store.CommitAsync(Table, [new RowWrite(WriteKind.Insert, new StoredRow("c1", Codec.ProfileKey, Codec.Write(new ProfileDoc { Sends = [history] })))]);
        var batch = Batch("c1", 1, new ProfileUpdated("u", [new UpdateOperation(UpdateKind.Increment, "visits", Value.From(1))]));

        await recorder.RecordAsync(batch);
        await recorder.RecordAsync(batch);

        var profile = Codec.Read<ProfileDoc>((await Store.GetAsync(Table, "c1", Codec.ProfileKey))!);
        Assert.Equal(1, profile.Attributes["visits"].AsNumber);
        Assert.Equal([history], profile.Sends);
    }

    [Fact]
    public async Task Record_FirstBatchWithoutInstance_ThrowsNamingTheField()
    {
        var recorder = await RecorderAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => recorder.RecordAsync(Batch("c1", 1) with { Instance = null }));

        Assert.Contains("JourneyRecord.Instance", error.Message, StringComparison.Ordinal);
    }

    private static JourneyRecord Batch(string customerId, int batch, params Effect[] effects)
    {
        var instanceId = JourneyInstanceId.For(customerId, "j1", "e1");
        var exited = effects.OfType<Exited>().Any();
        var state = new JourneyInstance
        {
            InstanceId = instanceId, JourneyId = "j1", Version = 1, CustomerId = customerId, Status = exited ? InstanceStatus.Exited : InstanceStatus.Active,
            Step = exited ? "x" : "a", Seq = batch, EnteredAt = At, StepEnteredAt = At, Trigger = CustomerEvent.NoProperties,
        };
        return new JourneyRecord(customerId, instanceId, "j1", 1, batch, At, effects) { Instance = state };
    }

    private static async Task<List<StoredRow>> ToListAsync(IAsyncEnumerable<StoredRow> rows)
    {
        var list = new List<StoredRow>();
        await foreach (var row in rows)
        {
            list.Add(row);
        }

        return list;
    }
}

/// <summary>The recorder contract on the in-memory row store.</summary>
public sealed class InMemoryJourneyRecorderTests : JourneyRecorderContract
{
    protected override IRowStore Store { get; } = new InMemoryRowStore();
}

/// <summary>The recorder contract on Azure Table Storage (Azurite).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteJourneyRecorderTests(AzuriteFixture azurite) : JourneyRecorderContract
{
    protected override IRowStore Store { get; } = StorageClients.FromConnectionString(azurite.ConnectionString).CreateRowStore();
}
