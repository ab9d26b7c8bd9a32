using Azure;
using ScenarioEngine.Storage.Azure;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Storage.Azure.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TableClientTests(AzuriteFixture azurite) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private CancellationToken Token => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task CreateIfNotExists_NewThenExisting_ReturnsTrueThenFalse()
    {
        var table = new TableClient(azurite.ConnectionString, AzuriteFixture.NewTableName());

        Assert.True(await table.CreateIfNotExistsAsync(Token));
        Assert.False(await table.CreateIfNotExistsAsync(Token));
    }

    [Fact]
    public async Task InsertEntity_EveryPropertyType_RoundTripsValuesAndClrTypes()
    {
        var table = await NewTableAsync();
        var when = new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.FromHours(9)).AddTicks(1234567);
        var id = Guid.NewGuid();
        var entity = new TableEntity("customer-1", "profile")
        {
            ["Name"] = "Aiko <Tanaka> & 'co' 日本",
            ["Visits"] = 42,
            ["Big"] = 9_007_199_254_740_993L,
            ["Small64"] = 5L,
            ["Score"] = 3.25,
            ["Whole"] = 2.0,
            ["Tiny"] = -1.5e-300,
            ["Consent"] = true,
            ["Optout"] = false,
            ["LastSeen"] = when,
            ["Blob"] = new byte[] { 0, 1, 2, 254, 255 },
            ["Id"] = id,
            ["Empty"] = string.Empty,
        };

        var insert = await table.InsertEntityAsync(entity, Token);
        var read = await table.GetEntityAsync("customer-1", "profile", cancellationToken: Token);

        Assert.Equal(TableStatus.Ok, insert.Status);
        Assert.NotEqual(default, insert.ETag);
        Assert.Equal(TableStatus.Ok, read.Status);
        var got = read.Value!;
        Assert.Equal(insert.ETag, got.ETag);
        Assert.NotNull(got.Timestamp);
        Assert.IsType<string>(got["Name"]);
        Assert.Equal("Aiko <Tanaka> & 'co' 日本", got["Name"]);
        Assert.Equal(42, Assert.IsType<int>(got["Visits"]));
        Assert.Equal(9_007_199_254_740_993L, Assert.IsType<long>(got["Big"]));
        Assert.Equal(5L, Assert.IsType<long>(got["Small64"]));
        Assert.Equal(3.25, Assert.IsType<double>(got["Score"]));
        Assert.Equal(2.0, got.GetDouble("Whole"));
        Assert.Equal(-1.5e-300, Assert.IsType<double>(got["Tiny"]));
        Assert.True(Assert.IsType<bool>(got["Consent"]));
        Assert.False(Assert.IsType<bool>(got["Optout"]));
        Assert.Equal(when, Assert.IsType<DateTimeOffset>(got["LastSeen"]));
        Assert.Equal(TimeSpan.Zero, got.GetDateTimeOffset("LastSeen")!.Value.Offset);
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, Assert.IsType<byte[]>(got["Blob"]));
        Assert.Equal(id, Assert.IsType<Guid>(got["Id"]));
        Assert.Equal(string.Empty, got["Empty"]);
        Assert.Equal(13, got.Properties.Count);
    }

    [Fact]
    public async Task InsertEntity_Twice_ReturnsAlreadyExists()
    {
        var table = await NewTableAsync();
        await table.InsertEntityAsync(new TableEntity("p", "r") { ["A"] = 1 }, Token);

        var second = await table.InsertEntityAsync(new TableEntity("p", "r") { ["A"] = 2 }, Token);

        Assert.Equal(TableStatus.AlreadyExists, second.Status);
        Assert.Equal(1, (await table.GetEntityAsync("p", "r", cancellationToken: Token)).Value!.GetInt32("A"));
    }

    [Fact]
    public async Task GetEntity_Missing_ReturnsNotFound()
    {
        var table = await NewTableAsync();

        var read = await table.GetEntityAsync("p", "nothing", cancellationToken: Token);

        Assert.Equal(TableStatus.NotFound, read.Status);
        Assert.Null(read.Value);
    }

    [Fact]
    public async Task GetEntity_Select_ReturnsOnlySelectedProperties()
    {
        var table = await NewTableAsync();
        await table.InsertEntityAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = "two", ["C"] = 3L }, Token);

        var read = await table.GetEntityAsync("p", "r", ["A", "C"], Token);

        Assert.Equal(["A", "C"], read.Value!.Properties.Keys.Order());
        Assert.Equal(3L, read.Value.GetInt64("C"));
    }

    [Fact]
    public async Task GetEntity_TableMissing_ThrowsRequestFailedTableNotFound()
    {
        var table = new TableClient(azurite.ConnectionString, AzuriteFixture.NewTableName());

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityAsync("p", "r", cancellationToken: Token));

        Assert.Equal(404, error.Status);
        Assert.Equal("TableNotFound", error.ErrorCode);
    }

    [Fact]
    public async Task UpdateEntity_StaleETag_ReturnsConditionFailed()
    {
        var table = await NewTableAsync();
        var first = await table.InsertEntityAsync(new TableEntity("p", "r") { ["A"] = 1 }, Token);
        var second = await table.UpdateEntityAsync(new TableEntity("p", "r") { ["A"] = 2 }, first.ETag, cancellationToken: Token);

        var stale = await table.UpdateEntityAsync(new TableEntity("p", "r") { ["A"] = 3 }, first.ETag, cancellationToken: Token);

        Assert.Equal(TableStatus.Ok, second.Status);
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(TableStatus.ConditionFailed, stale.Status);
        var read = await table.GetEntityAsync("p", "r", cancellationToken: Token);
        Assert.Equal(2, read.Value!.GetInt32("A"));
        Assert.Equal(second.ETag, read.Value.ETag);
    }

    [Fact]
    public async Task UpdateEntity_MergeAndReplace_KeepOrDropOtherProperties()
    {
        var table = await NewTableAsync();
        var inserted = await table.InsertEntityAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = "b" }, Token);

        var merged = await table.UpdateEntityAsync(new TableEntity("p", "r") { ["A"] = 2 }, inserted.ETag, TableUpdateMode.Merge, Token);
        var afterMerge = (await table.GetEntityAsync("p", "r", cancellationToken: Token)).Value!;
        var replaced = await table.UpdateEntityAsync(new TableEntity("p", "r") { ["C"] = true }, merged.ETag, TableUpdateMode.Replace, Token);
        var afterReplace = (await table.GetEntityAsync("p", "r", cancellationToken: Token)).Value!;

        Assert.Equal(TableStatus.Ok, merged.Status);
        Assert.Equal(2, afterMerge.GetInt32("A"));
        Assert.Equal("b", afterMerge.GetString("B"));
        Assert.Equal(TableStatus.Ok, replaced.Status);
        Assert.Equal(["C"], afterReplace.Properties.Keys);
    }

    [Fact]
    public async Task UpdateEntity_MissingWithAnyETag_ReturnsNotFound()
    {
        var table = await NewTableAsync();

        var result = await table.UpdateEntityAsync(new TableEntity("p", "nothing") { ["A"] = 1 }, ETag.All, cancellationToken: Token);

        Assert.Equal(TableStatus.NotFound, result.Status);
    }

    [Fact]
    public async Task UpsertEntity_ReplaceThenMerge_CreatesThenMerges()
    {
        var table = await NewTableAsync();

        var created = await table.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = 1 }, TableUpdateMode.Replace, Token);
        var merged = await table.UpsertEntityAsync(new TableEntity("p", "r") { ["B"] = 2 }, TableUpdateMode.Merge, Token);
        var mergedNew = await table.UpsertEntityAsync(new TableEntity("p", "r2") { ["B"] = 3 }, TableUpdateMode.Merge, Token);
        var read = (await table.GetEntityAsync("p", "r", cancellationToken: Token)).Value!;

        Assert.Equal(TableStatus.Ok, created.Status);
        Assert.Equal(TableStatus.Ok, merged.Status);
        Assert.Equal(TableStatus.Ok, mergedNew.Status);
        Assert.Equal(merged.ETag, read.ETag);
        Assert.Equal(1, read.GetInt32("A"));
        Assert.Equal(2, read.GetInt32("B"));
        Assert.Equal(3, (await table.GetEntityAsync("p", "r2", cancellationToken: Token)).Value!.GetInt32("B"));
    }

    [Fact]
    public async Task DeleteEntity_CurrentStaleAndMissing_ReturnOkConditionFailedNotFound()
    {
        var table = await NewTableAsync();
        var first = await table.InsertEntityAsync(new TableEntity("p", "r") { ["A"] = 1 }, Token);
        var second = await table.UpdateEntityAsync(new TableEntity("p", "r") { ["A"] = 2 }, first.ETag, cancellationToken: Token);

        var stale = await table.DeleteEntityAsync("p", "r", first.ETag, Token);
        var current = await table.DeleteEntityAsync("p", "r", second.ETag, Token);
        var missing = await table.DeleteEntityAsync("p", "r", ETag.All, Token);

        Assert.Equal(TableStatus.ConditionFailed, stale.Status);
        Assert.Equal(TableStatus.Ok, current.Status);
        Assert.Equal(TableStatus.NotFound, missing.Status);
        Assert.Equal(TableStatus.NotFound, (await table.GetEntityAsync("p", "r", cancellationToken: Token)).Status);
    }

    [Theory]
    [InlineData("O'Brien", "row 1")]
    [InlineData("日本語", "a+b=c&d%e")]
    [InlineData("", "(x),'y'")]
    public async Task Entity_KeysNeedingEscapes_RoundTripThroughEveryOperation(string partitionKey, string rowKey)
    {
        var table = await NewTableAsync();

        var inserted = await table.InsertEntityAsync(new TableEntity(partitionKey, rowKey) { ["A"] = 1 }, Token);
        var read = await table.GetEntityAsync(partitionKey, rowKey, cancellationToken: Token);
        var updated = await table.UpdateEntityAsync(new TableEntity(partitionKey, rowKey) { ["A"] = 2 }, inserted.ETag, TableUpdateMode.Merge, Token);
        var queried = await table.QueryAsync($"PartitionKey eq {TableFilter.Literal(partitionKey)}", cancellationToken: Token);
        var deleted = await table.DeleteEntityAsync(partitionKey, rowKey, updated.ETag, Token);

        Assert.Equal(TableStatus.Ok, inserted.Status);
        Assert.Equal(partitionKey, read.Value!.PartitionKey);
        Assert.Equal(rowKey, read.Value.RowKey);
        Assert.Equal(TableStatus.Ok, updated.Status);
        Assert.Equal(rowKey, Assert.Single(queried.Entities).RowKey);
        Assert.Equal(TableStatus.Ok, deleted.Status);
    }

    [Fact]
    public async Task QueryAsync_FilterAndSelect_ReturnsMatchingProjectedEntities()
    {
        var table = await NewTableAsync();
        for (var i = 0; i < 6; i++)
        {
            await table.InsertEntityAsync(new TableEntity(i % 2 == 0 ? "even" : "odd", $"r{i}") { ["N"] = i, ["Label"] = $"L{i}", ["Big"] = (long)i }, Token);
        }

        var page = await table.QueryAsync("PartitionKey eq 'even' and N ge 2", ["N", "Big"], cancellationToken: Token);

        Assert.Null(page.Continuation);
        Assert.Equal(["r2", "r4"], page.Entities.Select(e => e.RowKey));
        Assert.All(page.Entities, e =>
        {
            Assert.Equal(["Big", "N"], e.Properties.Keys.Order());
            Assert.NotEqual(default, e.ETag);
            Assert.IsType<long>(e["Big"]);
        });
    }

    [Fact]
    public async Task QueryAsync_SmallTop_FollowsContinuationAcrossPages()
    {
        var table = await NewTableAsync();
        var batch = Enumerable.Range(0, 7)
            .Select(i => TableTransactionAction.Insert(new TableEntity("p", $"r{i:D2}") { ["N"] = i }))
            .ToArray();
        Assert.True((await table.SubmitTransactionAsync(batch, Token)).IsOk);
        await table.InsertEntityAsync(new TableEntity("q", "other"), Token);

        var pages = new List<TablePage>();
        TableContinuationToken? continuation = null;
        do
        {
            var page = await table.QueryAsync("PartitionKey eq 'p'", top: 3, continuation: continuation, cancellationToken: Token);
            pages.Add(page);
            continuation = page.Continuation;
        }
        while (continuation is not null && pages.Count < 10);
        var all = new List<TableEntity>();
        await foreach (var entity in table.QueryAllAsync("PartitionKey eq 'p'", pageSize: 2, cancellationToken: Token))
        {
            all.Add(entity);
        }

        Assert.Equal([3, 3, 1], pages.Select(p => p.Entities.Count));
        Assert.NotNull(pages[0].Continuation);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"r{i:D2}"), pages.SelectMany(p => p.Entities).Select(e => e.RowKey));
        Assert.Equal(Enumerable.Range(0, 7), all.Select(e => e.GetInt32("N")!.Value));
    }

    [Fact]
    public async Task QueryAsync_TopOutOfRange_ThrowsArgumentOutOfRange()
    {
        var table = new TableClient(azurite.ConnectionString, AzuriteFixture.NewTableName());

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => table.QueryAsync(top: 1001, cancellationToken: Token));
    }

    [Fact]
    public async Task AnyCall_WrongAccountKey_ThrowsRequestFailed403()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var table = new TableClient(azurite.TableEndpoint, AzuriteFixture.AccountName, wrongKey, AzuriteFixture.NewTableName());

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.CreateIfNotExistsAsync(Token));

        Assert.Equal(403, error.Status);
        Assert.False(string.IsNullOrEmpty(error.ErrorCode));
    }

    [Fact]
    public void Indexer_UnsupportedType_ThrowsArgumentException()
    {
        var entity = new TableEntity("p", "r");

        Assert.Throws<ArgumentException>(() => entity["When"] = DateTime.UtcNow);
        Assert.Throws<ArgumentException>(() => entity["PartitionKey"] = "x");
        Assert.Throws<ArgumentException>(() => new TableEntity("a/b", "r"));
    }

    private async Task<TableClient> NewTableAsync()
    {
        var table = new TableClient(azurite.ConnectionString, AzuriteFixture.NewTableName());
        await table.CreateIfNotExistsAsync(Token);
        return table;
    }
}
