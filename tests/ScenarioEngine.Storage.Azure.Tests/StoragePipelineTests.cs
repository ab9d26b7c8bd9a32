using System.Text;
using Azure;
using Azure.Core;
using Azure.Storage.Queues;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Storage.Azure.Tests;

/// <summary>What the SDK pipeline does for the engine on Azurite: counting every attempt, injected faults and their retries, auth failures.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StoragePipelineTests(AzuriteFixture azurite) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private CancellationToken Token => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    private StorageClients Clients(StorageFaultPolicy? faults = null, int maxRetries = 3) =>
        StorageClients.FromConnectionString(azurite.ConnectionString, configure: o =>
        {
            o.Retry.Delay = TimeSpan.FromMilliseconds(20);
            o.Retry.MaxRetries = maxRetries;
            if (faults is not null)
            {
                o.AddPolicy(faults, HttpPipelinePosition.PerRetry);
            }
        });

    private async Task<(IRowStore Store, string Table, IQueue Queue)> NewAsync(StorageClients clients)
    {
        var store = clients.CreateRowStore();
        var table = AzuriteFixture.NewTableName("pipe");
        await store.CreateTableAsync(table, Token);
        var queue = clients.CreateQueueFactory().Get(AzuriteFixture.NewQueueName("pipe")[..20]);
        await queue.CreateAsync(Token);
        clients.Counter.Reset();
        return (store, table, queue);
    }

    [Fact]
    public async Task Counter_EachOperationOfThePorts_CountedOnceUnderItsName()
    {
        var clients = Clients();
        var (store, table, queue) = await NewAsync(clients);

        await store.CommitAsync(table, [new RowWrite(WriteKind.Insert, new StoredRow("c1", "a|profile", "{}"))], Token);
        await store.GetAsync(table, "c1", "a|profile", Token);
        await store.QueryAsync(table, "c1", "a", "b", Token);
        await queue.SendAsync("m", null, Token);
        var received = await queue.ReceiveAsync(32, TimeSpan.FromMinutes(1), Token);
        await queue.DeleteAsync(Assert.Single(received), Token);
        await queue.CountAsync(Token);

        Assert.Equal(
            new Dictionary<string, long>
            {
                ["queue.count"] = 1, ["queue.delete"] = 1, ["queue.receive"] = 1, ["queue.send"] = 1,
                ["table.batch"] = 1, ["table.get"] = 1, ["table.query"] = 1,
            },
            clients.Counter.Snapshot());
        Assert.Equal(7, clients.Counter.Total);
    }

    [Fact]
    public async Task Fault_AfterSendOnQueueSend_RetriedSoTheMessageArrivesTwiceAndBothAttemptsCount()
    {
        var faults = new StorageFaultPolicy(m => m.Request.Method == RequestMethod.Post);
        var clients = Clients(faults);
        var (_, _, queue) = await NewAsync(clients);

        faults.FailRequest(1, FaultPoint.AfterSend);
        await queue.SendAsync("once", null, Token);

        Assert.Equal(1, faults.Injected);
        Assert.Equal(2, clients.Counter.Snapshot()["queue.send"]);
        Assert.Equal(["once", "once"], (await queue.ReceiveAsync(32, TimeSpan.FromMinutes(1), Token)).Select(m => m.Text));
    }

    [Fact]
    public async Task Fault_BeforeSendOnQueueSend_RetriedAndTheServiceSeesOneRequest()
    {
        var faults = new StorageFaultPolicy();
        var clients = Clients(faults);
        var (_, _, queue) = await NewAsync(clients);

        faults.FailRequest(1, FaultPoint.BeforeSend);
        await queue.SendAsync("once", null, Token);

        Assert.Equal(1, faults.Injected);
        Assert.Equal(1, clients.Counter.Snapshot()["queue.send"]);
        Assert.Equal(["once"], (await queue.ReceiveAsync(32, TimeSpan.FromMinutes(1), Token)).Select(m => m.Text));
    }

    [Fact]
    public async Task Fault_AfterSendOnABatch_RetryFindsItsOwnInsertAlreadyThere()
    {
        // The commit that reached the service but lost its answer: the retried insert reports AlreadyExists, which the engine must
        // treat as "maybe mine" (the reliability tests of the next issue build on this).
        var faults = new StorageFaultPolicy(m => m.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal));
        var clients = Clients(faults);
        var (store, table, _) = await NewAsync(clients);
        await store.CommitAsync(table, [new RowWrite(WriteKind.Insert, new StoredRow("c1", "x|e0", "{}"))], Token);

        faults.FailRequest(1, FaultPoint.AfterSend);
        var result = await store.CommitAsync(table, [new RowWrite(WriteKind.Insert, new StoredRow("c1", "x|e1", "{}"))], Token);

        Assert.Equal(new CommitResult(CommitStatus.AlreadyExists, 0), result);
        Assert.NotNull(await store.GetAsync(table, "c1", "x|e1", Token));
        Assert.Equal(3, clients.Counter.Snapshot()["table.batch"]);
    }

    [Fact]
    public async Task Fault_WithoutRetries_SurfacesAsRequestFailedWithStatusZero()
    {
        var faults = new StorageFaultPolicy();
        var clients = Clients(faults, maxRetries: 0);
        var (store, table, _) = await NewAsync(clients);
        var before = faults.Seen;

        faults.FailRequest(2, FaultPoint.BeforeSend);
        await store.GetAsync(table, "c1", "a|profile", Token);
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => store.GetAsync(table, "c1", "a|profile", Token));

        Assert.Equal(0, ex.Status);
        Assert.Contains("Injected fault (BeforeSend)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before + 2, faults.Seen);
    }

    [Fact]
    public async Task Send_OnTheWire_IsBase64OfUtf8AndNeverExpires()
    {
        // What the Functions queue trigger (and any other producer or consumer of these queues) sees.
        var clients = Clients();
        var (_, _, queue) = await NewAsync(clients);
        var raw = new QueueClient(azurite.ConnectionString, queue.Name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        const string text = """{"customer":"顧客 ñ","note":"<b>&amp;</b> 🎁"}""";

        await queue.SendAsync(text, null, Token);
        var wire = Assert.Single((await raw.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1), Token)).Value);

        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)), wire.Body.ToString());
        Assert.Equal(9999, wire.ExpiresOn!.Value.Year);
    }

    [Fact]
    public async Task Receive_Base64MessageFromAnotherProducer_DecodesTheText()
    {
        var clients = Clients();
        var (_, _, queue) = await NewAsync(clients);
        var raw = new QueueClient(azurite.ConnectionString, queue.Name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

        await raw.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"id\":\"e-1\"}")), Token);

        Assert.Equal("{\"id\":\"e-1\"}", Assert.Single(await queue.ReceiveAsync(32, TimeSpan.FromMinutes(1), Token)).Text);
    }

    [Fact]
    public async Task AnyCall_WrongAccountKey_ThrowsRequestFailed403()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var clients = StorageClients.FromConnectionString(azurite.ConnectionString.Replace(AzuriteFixture.AccountKey, wrongKey, StringComparison.Ordinal));

        var table = await Assert.ThrowsAsync<RequestFailedException>(() => clients.CreateRowStore().CreateTableAsync(AzuriteFixture.NewTableName("key"), Token));
        var queue = await Assert.ThrowsAsync<RequestFailedException>(() => clients.CreateQueueFactory().Get("se-events-0").CountAsync(Token));

        Assert.Equal((403, 403), (table.Status, queue.Status));
    }

    [Fact]
    public async Task Send_QueueNeverCreated_ThrowsQueueNotFound()
    {
        var queue = Clients().CreateQueueFactory().Get(AzuriteFixture.NewQueueName("none")[..20]);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => queue.SendAsync("m", null, Token));

        Assert.Equal("QueueNotFound", ex.ErrorCode);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Events")]
    [InlineData("se--events")]
    [InlineData("-events")]
    public void Get_InvalidQueueName_ThrowsArgumentExceptionNamingTheRule(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => Clients().CreateQueueFactory().Get(name));

        Assert.Contains("lowercase letters, digits and single hyphens", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1journeys")]
    [InlineData("journey-rows")]
    public async Task Table_InvalidName_ThrowsArgumentExceptionNamingTheRule(string name)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Clients().CreateRowStore().CreateTableAsync(name, Token));

        Assert.Contains("3 to 63 letters and digits", ex.Message, StringComparison.Ordinal);
    }
}
