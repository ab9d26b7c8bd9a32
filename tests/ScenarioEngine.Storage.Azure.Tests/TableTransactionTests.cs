using Azure;
using ScenarioEngine.Storage.Azure;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Storage.Azure.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TableTransactionTests(AzuriteFixture azurite) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private CancellationToken Token => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task SubmitTransaction_MixedOperations_CommitsAllAndReturnsNewETags()
    {
        var table = await NewTableAsync();
        var a = await table.InsertEntityAsync(new TableEntity("c1", "a") { ["V"] = 1, ["Keep"] = "a" }, Token);
        var b = await table.InsertEntityAsync(new TableEntity("c1", "b") { ["V"] = 1, ["Keep"] = "b" }, Token);
        var c = await table.InsertEntityAsync(new TableEntity("c1", "c") { ["V"] = 1 }, Token);
        await table.InsertEntityAsync(new TableEntity("c1", "f") { ["V"] = 1, ["Keep"] = "f" }, Token);
        TableTransactionAction[] actions =
        [
            TableTransactionAction.Insert(new TableEntity("c1", "d") { ["V"] = 4, ["When"] = DateTimeOffset.UnixEpoch }),
            TableTransactionAction.Upsert(new TableEntity("c1", "e") { ["V"] = 5L }),
            TableTransactionAction.Upsert(new TableEntity("c1", "f") { ["V"] = 6 }, TableUpdateMode.Merge),
            TableTransactionAction.Update(new TableEntity("c1", "a") { ["V"] = 7 }, a.ETag),
            TableTransactionAction.Update(new TableEntity("c1", "b") { ["V"] = 8 }, b.ETag, TableUpdateMode.Merge),
            TableTransactionAction.Delete("c1", "c", c.ETag),
        ];

        var result = await table.SubmitTransactionAsync(actions, Token);

        Assert.Equal(TableStatus.Ok, result.Status);
        Assert.Null(result.FailedIndex);
        Assert.Equal(6, result.ETags.Count);
        Assert.Equal(default, result.ETags[5]);
        var rows = new Dictionary<string, TableEntity>();
        await foreach (var entity in table.QueryAllAsync("PartitionKey eq 'c1'", cancellationToken: Token))
        {
            rows[entity.RowKey] = entity;
        }

        Assert.Equal(["a", "b", "d", "e", "f"], rows.Keys.Order());
        Assert.Equal(result.ETags[0], rows["d"].ETag);
        Assert.Equal(result.ETags[1], rows["e"].ETag);
        Assert.Equal(result.ETags[2], rows["f"].ETag);
        Assert.Equal(result.ETags[3], rows["a"].ETag);
        Assert.Equal(result.ETags[4], rows["b"].ETag);
        Assert.Equal(DateTimeOffset.UnixEpoch, rows["d"].GetDateTimeOffset("When"));
        Assert.Equal(5L, rows["e"]["V"]);
        Assert.Equal("f", rows["f"].GetString("Keep"));
        Assert.Null(rows["a"].GetString("Keep"));
        Assert.Equal(7, rows["a"].GetInt32("V"));
        Assert.Equal("b", rows["b"].GetString("Keep"));
        Assert.Equal(8, rows["b"].GetInt32("V"));
    }

    [Fact]
    public async Task SubmitTransaction_StaleETag_AppliesNothingAndNamesFailedIndex()
    {
        var table = await NewTableAsync();
        var first = await table.InsertEntityAsync(new TableEntity("c1", "a") { ["V"] = 1 }, Token);
        await table.UpdateEntityAsync(new TableEntity("c1", "a") { ["V"] = 2 }, first.ETag, cancellationToken: Token);

        var result = await table.SubmitTransactionAsync(
            [
                TableTransactionAction.Insert(new TableEntity("c1", "x")),
                TableTransactionAction.Upsert(new TableEntity("c1", "y")),
                TableTransactionAction.Update(new TableEntity("c1", "a") { ["V"] = 3 }, first.ETag),
                TableTransactionAction.Insert(new TableEntity("c1", "z")),
            ],
            Token);

        Assert.Equal(TableStatus.ConditionFailed, result.Status);
        Assert.Equal(2, result.FailedIndex);
        Assert.Equal(412, result.FailedStatusCode);
        Assert.Equal("UpdateConditionNotSatisfied", result.ErrorCode);
        Assert.Empty(result.ETags);
        Assert.Equal(["a"], await RowKeysAsync(table, "c1"));
        Assert.Equal(2, (await table.GetEntityAsync("c1", "a", cancellationToken: Token)).Value!.GetInt32("V"));
    }

    [Fact]
    public async Task SubmitTransaction_InsertOfExistingRow_AppliesNothingAndReturnsAlreadyExists()
    {
        var table = await NewTableAsync();
        await table.InsertEntityAsync(new TableEntity("c1", "b") { ["V"] = 1 }, Token);

        var result = await table.SubmitTransactionAsync(
            [
                TableTransactionAction.Insert(new TableEntity("c1", "a")),
                TableTransactionAction.Insert(new TableEntity("c1", "b") { ["V"] = 2 }),
            ],
            Token);

        Assert.Equal(TableStatus.AlreadyExists, result.Status);
        Assert.Equal(1, result.FailedIndex);
        Assert.Equal(409, result.FailedStatusCode);
        Assert.Equal(["b"], await RowKeysAsync(table, "c1"));
    }

    [Fact]
    public async Task SubmitTransaction_DeleteOfMissingRow_ReturnsNotFound()
    {
        var table = await NewTableAsync();

        var result = await table.SubmitTransactionAsync(
            [
                TableTransactionAction.Insert(new TableEntity("c1", "a")),
                TableTransactionAction.Delete("c1", "gone", ETag.All),
            ],
            Token);

        Assert.Equal(TableStatus.NotFound, result.Status);
        Assert.Equal(1, result.FailedIndex);
        Assert.Empty(await RowKeysAsync(table, "c1"));
    }

    [Fact]
    public async Task SubmitTransaction_HundredOperations_CommitsAll()
    {
        var table = await NewTableAsync();
        var actions = Enumerable.Range(0, TableClient.MaxTransactionActions)
            .Select(i => TableTransactionAction.Insert(new TableEntity("big", $"r{i:D3}") { ["I"] = i, ["Payload"] = new string('x', 200) }))
            .ToArray();

        var result = await table.SubmitTransactionAsync(actions, Token);

        Assert.Equal(TableStatus.Ok, result.Status);
        Assert.Equal(100, result.ETags.Count);
        Assert.All(result.ETags, e => Assert.NotEqual(default, e));
        Assert.Equal(100, (await RowKeysAsync(table, "big")).Count);
    }

    [Fact]
    public async Task SubmitTransaction_InvalidShapes_ThrowArgumentException()
    {
        var table = new TableClient(azurite.ConnectionString, AzuriteFixture.NewTableName());
        var tooMany = Enumerable.Range(0, 101).Select(i => TableTransactionAction.Insert(new TableEntity("p", $"r{i}"))).ToArray();
        TableTransactionAction[] twoPartitions = [TableTransactionAction.Insert(new TableEntity("p", "r")), TableTransactionAction.Insert(new TableEntity("q", "r"))];
        TableTransactionAction[] sameRow = [TableTransactionAction.Insert(new TableEntity("p", "r")), TableTransactionAction.Delete("p", "r", ETag.All)];

        await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync([], Token));
        await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(tooMany, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(twoPartitions, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(sameRow, Token));
        Assert.Throws<ArgumentException>(() => TableTransactionAction.Update(new TableEntity("p", "r"), default));
    }

    private async Task<List<string>> RowKeysAsync(TableClient table, string partitionKey)
    {
        var keys = new List<string>();
        await foreach (var entity in table.QueryAllAsync($"PartitionKey eq {TableFilter.Literal(partitionKey)}", ["RowKey"], cancellationToken: Token))
        {
            keys.Add(entity.RowKey);
        }

        return keys;
    }

    private async Task<TableClient> NewTableAsync()
    {
        var table = new TableClient(azurite.ConnectionString, AzuriteFixture.NewTableName());
        await table.CreateIfNotExistsAsync(Token);
        return table;
    }
}
