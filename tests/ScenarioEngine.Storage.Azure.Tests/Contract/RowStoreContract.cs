using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Storage.Azure.Tests.Contract;

/// <summary>The row-store port's contract: every provider (in-memory, Azure Table Storage) must pass these same tests.</summary>
public abstract class RowStoreContract : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));

    /// <summary>The store under test.</summary>
    protected abstract IRowStore Store { get; }

    protected CancellationToken Token => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task<string> NewTableAsync()
    {
        var table = AzuriteFixture.NewTableName("rows");
        await Store.CreateTableAsync(table, Token);
        return table;
    }

    private static RowWrite Insert(string pk, string rk, string data) => new(WriteKind.Insert, new StoredRow(pk, rk, data));

    private static RowWrite Upsert(string pk, string rk, string data) => new(WriteKind.Upsert, new StoredRow(pk, rk, data));

    private static RowWrite Replace(StoredRow read, string data) => new(WriteKind.Replace, read with { Data = data });

    private static RowWrite Delete(string pk, string rk, string? etag) => new(WriteKind.Delete, new StoredRow(pk, rk, "", etag));

    private async Task<StoredRow> InsertAsync(string table, string pk, string rk, string data)
    {
        Assert.Equal(CommitResult.Ok, await Store.CommitAsync(table, [Insert(pk, rk, data)], Token));
        return (await Store.GetAsync(table, pk, rk, Token))!;
    }

    private async Task<List<string>> RowKeysAsync(string table, string pk) =>
        (await Store.QueryAsync(table, pk, "", "\uffff", Token)).Select(r => r.RowKey).ToList();

    [Fact]
    public async Task Get_MissingRow_ReturnsNull()
    {
        var table = await NewTableAsync();

        Assert.Null(await Store.GetAsync(table, "c1", "a|profile", Token));
    }

    [Fact]
    public async Task Insert_ThenGet_RoundTripsDataAndGivesETag()
    {
        var table = await NewTableAsync();
        const string data = """{"name":"Ayumi 歩美","amount":6000,"quote":"it's \"fine\"","empty":""}""";

        var result = await Store.CommitAsync(table, [Insert("c1", "a|profile", data)], Token);
        var row = await Store.GetAsync(table, "c1", "a|profile", Token);

        Assert.Equal(CommitResult.Ok, result);
        Assert.NotNull(row);
        Assert.Equal(("c1", "a|profile", data), (row.PartitionKey, row.RowKey, row.Data));
        Assert.False(string.IsNullOrEmpty(row.ETag));
    }

    [Fact]
    public async Task Insert_MadeFromDocument_ReadsBackItsJson()
    {
        var table = await NewTableAsync();
        const string data = """{"name":"Ayumi 歩美","emoji":"🎁"}""";

        var result = await Store.CommitAsync(table, [new RowWrite(WriteKind.Insert, StoredRow.FromDocument("c1", "a|profile", new JsonDocumentStub(data)))], Token);
        var row = (await Store.QueryAsync(table, "c1", "a", "b", Token)).Single();

        Assert.Equal(CommitResult.Ok, result);
        Assert.Equal(data, row.Data);
        Assert.Equal(new StoredRow("c1", "a|profile", data, row.ETag), row); // equality is by text, whatever the row holds
    }

    // A document whose JSON is given.
    private sealed class JsonDocumentStub(string json) : RowDocument
    {
        public override string ToJson() => json;
    }

    [Fact]
    public async Task Commit_Ok_ReturnsTheNewETagOfEachWrite()
    {
        var table = await NewTableAsync();
        var first = await InsertAsync(table, "c1", "a|profile", "v1");
        var outbox = await InsertAsync(table, "c1", "o|m1", "o");

        var result = await Store.CommitAsync(table,
            [Replace(first, "v2"), Insert("c1", "i|j:1", "i"), Delete("c1", "o|m1", outbox.ETag)], Token);
        var profile = await Store.GetAsync(table, "c1", "a|profile", Token);
        var instance = await Store.GetAsync(table, "c1", "i|j:1", Token);

        Assert.Equal(CommitResult.Ok, result);
        Assert.NotNull(result.ETags);
        Assert.Equal(3, result.ETags.Count);
        Assert.Equal(profile!.ETag, result.ETags[0]);
        Assert.Equal(instance!.ETag, result.ETags[1]);
        Assert.Null(result.ETags[2]);

        // The returned ETag is good for the next conditional write, with no read in between.
        Assert.Equal(CommitResult.Ok, await Store.CommitAsync(table, [Replace(profile with { ETag = result.ETags[0] }, "v3")], Token));
    }

    [Fact]
    public async Task Insert_EmptyData_RoundTrips()
    {
        var table = await NewTableAsync();

        var row = await InsertAsync(table, "c1", "x|e1", "");

        Assert.Equal("", row.Data);
    }

    [Fact]
    public async Task Insert_ExistingRow_AlreadyExistsWithItsIndexAndAppliesNothing()
    {
        var table = await NewTableAsync();
        await InsertAsync(table, "c1", "x|e1", "old");

        var result = await Store.CommitAsync(table, [Insert("c1", "i|j1", "new"), Insert("c1", "x|e1", "again"), Upsert("c1", "a|profile", "p")], Token);

        Assert.Equal(new CommitResult(CommitStatus.AlreadyExists, 1), result);
        Assert.Equal(["x|e1"], await RowKeysAsync(table, "c1"));
        Assert.Equal("old", (await Store.GetAsync(table, "c1", "x|e1", Token))!.Data);
    }

    [Fact]
    public async Task Replace_CurrentETag_ReplacesAndChangesETag()
    {
        var table = await NewTableAsync();
        var read = await InsertAsync(table, "c1", "a|profile", "v1");

        var result = await Store.CommitAsync(table, [Replace(read, "v2")], Token);
        var after = await Store.GetAsync(table, "c1", "a|profile", Token);

        Assert.Equal(CommitResult.Ok, result);
        Assert.Equal("v2", after!.Data);
        Assert.NotEqual(read.ETag, after.ETag);
    }

    [Fact]
    public async Task Replace_StaleETag_ConditionFailedAndNothingInTheBatchApplied()
    {
        var table = await NewTableAsync();
        var stale = await InsertAsync(table, "c1", "a|profile", "v1");
        var current = await InsertAsync(table, "c1", "i|j1", "instance v1");
        var outbox = await InsertAsync(table, "c1", "o|m1", "outbox v1");
        Assert.Equal(CommitResult.Ok, await Store.CommitAsync(table, [Replace(stale, "v2")], Token));

        var result = await Store.CommitAsync(
            table,
            [
                Insert("c1", "x|e2", "{}"),
                Replace(current, "instance v2"),
                Upsert("c1", "t|0001", "timeline"),
                Delete("c1", "o|m1", outbox.ETag),
                Replace(stale, "v3"),
            ],
            Token);

        Assert.Equal(new CommitResult(CommitStatus.ConditionFailed, 4), result);
        Assert.Equal(["a|profile", "i|j1", "o|m1"], await RowKeysAsync(table, "c1"));
        Assert.Equal("v2", (await Store.GetAsync(table, "c1", "a|profile", Token))!.Data);
        Assert.Equal(current, await Store.GetAsync(table, "c1", "i|j1", Token));
        Assert.Equal(outbox, await Store.GetAsync(table, "c1", "o|m1", Token));
    }

    [Fact]
    public async Task Replace_MissingRow_ConditionFailed()
    {
        var table = await NewTableAsync();
        var read = await InsertAsync(table, "c1", "o|m1", "v1");
        Assert.Equal(CommitResult.Ok, await Store.CommitAsync(table, [Delete("c1", "o|m1", read.ETag)], Token));

        var result = await Store.CommitAsync(table, [Upsert("c1", "a|profile", "p"), Replace(read, "v2")], Token);

        Assert.Equal(new CommitResult(CommitStatus.ConditionFailed, 1), result);
        Assert.Empty(await RowKeysAsync(table, "c1"));
    }

    [Fact]
    public async Task Upsert_ExistingRow_ReplacesItUnconditionally()
    {
        var table = await NewTableAsync();
        var before = await InsertAsync(table, "c1", "a|profile", new string('x', 40_000));

        var result = await Store.CommitAsync(table, [Upsert("c1", "a|profile", "short")], Token);
        var after = await Store.GetAsync(table, "c1", "a|profile", Token);

        Assert.Equal(CommitResult.Ok, result);
        Assert.Equal("short", after!.Data);
        Assert.NotEqual(before.ETag, after.ETag);
    }

    [Fact]
    public async Task Delete_WithCurrentETag_RemovesTheRow()
    {
        var table = await NewTableAsync();
        var read = await InsertAsync(table, "c1", "o|m1", "v1");

        var result = await Store.CommitAsync(table, [Delete("c1", "o|m1", read.ETag)], Token);

        Assert.Equal(CommitResult.Ok, result);
        Assert.Null(await Store.GetAsync(table, "c1", "o|m1", Token));
    }

    [Fact]
    public async Task Delete_WithStaleETag_ConditionFailedAndKeepsTheRow()
    {
        var table = await NewTableAsync();
        var stale = await InsertAsync(table, "c1", "o|m1", "v1");
        Assert.Equal(CommitResult.Ok, await Store.CommitAsync(table, [Replace(stale, "v2")], Token));

        var result = await Store.CommitAsync(table, [Delete("c1", "o|m1", stale.ETag)], Token);

        Assert.Equal(new CommitResult(CommitStatus.ConditionFailed, 0), result);
        Assert.Equal("v2", (await Store.GetAsync(table, "c1", "o|m1", Token))!.Data);
    }

    [Fact]
    public async Task Delete_WithoutETag_RemovesWhateverIsStored()
    {
        var table = await NewTableAsync();
        await InsertAsync(table, "c1", "o|m1", "v1");

        var result = await Store.CommitAsync(table, [Delete("c1", "o|m1", null)], Token);

        Assert.Equal(CommitResult.Ok, result);
        Assert.Null(await Store.GetAsync(table, "c1", "o|m1", Token));
    }

    [Fact]
    public async Task Delete_MissingRow_ConditionFailed()
    {
        var table = await NewTableAsync();

        var result = await Store.CommitAsync(table, [Insert("c1", "x|e1", "{}"), Delete("c1", "o|gone", null)], Token);

        Assert.Equal(new CommitResult(CommitStatus.ConditionFailed, 1), result);
        Assert.Empty(await RowKeysAsync(table, "c1"));
    }

    [Fact]
    public async Task Query_Range_FromInclusiveToExclusiveInRowKeyOrderWithinThePartition()
    {
        var table = await NewTableAsync();
        foreach (var (pk, keys) in new[] { ("c1", new[] { "o|2", "a|profile", "p", "i|b", "o", "i|a", "o|10", "a" }), ("c2", ["a|profile", "i|a"]), ("c10", ["i|z"]) })
        {
            Assert.Equal(CommitResult.Ok, await Store.CommitAsync(table, keys.Select(k => Insert(pk, k, pk + ":" + k)).ToList(), Token));
        }

        var hot = await Store.QueryAsync(table, "c1", "a", "p", Token);
        var instances = await Store.QueryAsync(table, "c1", "i|", "i}", Token);
        var empty = await Store.QueryAsync(table, "c1", "b", "c", Token);
        var reversed = await Store.QueryAsync(table, "c1", "p", "a", Token);

        Assert.Equal(["a", "a|profile", "i|a", "i|b", "o", "o|10", "o|2"], hot.Select(r => r.RowKey));
        Assert.All(hot, r => Assert.Equal("c1:" + r.RowKey, r.Data));
        Assert.All(hot, r => Assert.Equal("c1", r.PartitionKey));
        Assert.All(hot, r => Assert.False(string.IsNullOrEmpty(r.ETag)));
        Assert.Equal(["i|a", "i|b"], instances.Select(r => r.RowKey));
        Assert.Empty(empty);
        Assert.Empty(reversed);
        Assert.Equal(await Store.GetAsync(table, "c1", "i|a", Token), instances[0]);
    }

    [Fact]
    public async Task Query_MoreRowsThanOnePage_ReturnsThemAllInOrder()
    {
        var table = await NewTableAsync();
        for (var b = 0; b < 11; b++)
        {
            var writes = Enumerable.Range(b * 100, 100).Select(i => Insert("c1", $"t|{i:D5}", "{}")).ToList();
            Assert.Equal(CommitResult.Ok, await Store.CommitAsync(table, writes, Token));
        }

        var rows = await Store.QueryAsync(table, "c1", "t|", "t}", Token);

        Assert.Equal(Enumerable.Range(0, 1100).Select(i => $"t|{i:D5}"), rows.Select(r => r.RowKey));
    }

    [Fact]
    public async Task InsertsAndDeletes_InterleavedOutOfOrder_RowsStayInRowKeyOrder()
    {
        var table = await NewTableAsync();
        var keys = Enumerable.Range(0, 40).Select(i => $"k|{i * 7 % 40:D2}").ToList(); // every key once, out of order
        foreach (var chunk in keys.Chunk(9))
        {
            Assert.Equal(CommitResult.Ok, await Store.CommitAsync(table, chunk.Select(k => Insert("c1", k, k)).ToList(), Token));
        }

        var gone = keys.Where((_, i) => i % 3 == 0).ToList();
        Assert.Equal(CommitResult.Ok, await Store.CommitAsync(table, gone.Select(k => Delete("c1", k, null)).ToList(), Token));
        var kept = keys.Except(gone).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(kept, (await Store.QueryAsync(table, "c1", "k|", "k}", Token)).Select(r => r.RowKey));

        // The deleted keys come back in the gaps; a delete then finds nothing to remove.
        Assert.Equal(CommitResult.Ok, await Store.CommitAsync(table, gone.Select(k => Insert("c1", k, "again")).ToList(), Token));
        var all = await Store.QueryAsync(table, "c1", "k|", "k}", Token);
        Assert.Equal(keys.Order(StringComparer.Ordinal), all.Select(r => r.RowKey));
        Assert.Equal(gone.Order(StringComparer.Ordinal), all.Where(r => r.Data == "again").Select(r => r.RowKey));
        Assert.Equal(CommitStatus.ConditionFailed, (await Store.CommitAsync(table, [Delete("c1", "k|99", null)], Token)).Status);
        Assert.Equal(40, (await Store.QueryAsync(table, "c1", "k|", "k}", Token)).Count);
    }

    [Fact]
    public async Task Scan_Prefix_FindsMatchingRowsInEveryPartitionAndNothingElse()
    {
        var table = await NewTableAsync();
        foreach (var (pk, keys) in new[]
                 {
                     ("c1", new[] { "a|profile", "i|j1:1", "i|j2:1", "o|m1" }),
                     ("c2", ["i", "i|j1:7", "i}", "iz"]),
                     ("c3", ["a|profile"]),
                     ("c10", ["i|j2:3", "x|e1"]),
                 })
        {
            Assert.Equal(CommitResult.Ok, await Store.CommitAsync(table, keys.Select(k => Insert(pk, k, pk + ":" + k)).ToList(), Token));
        }

        var instances = await Collect(Store.ScanAsync(table, "i|", Token));
        var journey = await Collect(Store.ScanAsync(table, "i|j1:", Token));
        var none = await Collect(Store.ScanAsync(table, "q|", Token));

        Assert.Equal(
            [("c1", "i|j1:1"), ("c1", "i|j2:1"), ("c10", "i|j2:3"), ("c2", "i|j1:7")],
            Keys(instances));
        Assert.All(instances, r => Assert.Equal(r.PartitionKey + ":" + r.RowKey, r.Data));
        Assert.All(instances, r => Assert.False(string.IsNullOrEmpty(r.ETag)));
        Assert.Equal([("c1", "i|j1:1"), ("c2", "i|j1:7")], Keys(journey));
        Assert.Empty(none);
    }

    [Fact]
    public async Task Commit_HundredWrites_AppliesThemAll()
    {
        var table = await NewTableAsync();
        var writes = Enumerable.Range(0, 100).Select(i => Insert("c1", $"x|{i:D3}", $"{{\"i\":{i}}}")).ToList();

        var result = await Store.CommitAsync(table, writes, Token);
        var rows = await Store.QueryAsync(table, "c1", "x|", "x}", Token);

        Assert.Equal(CommitResult.Ok, result);
        Assert.Equal(100, rows.Count);
        Assert.Equal("{\"i\":99}", rows[99].Data);
    }

    [Fact]
    public async Task Commit_InvalidBatches_Throw()
    {
        var table = await NewTableAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(table, [], Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(table, Enumerable.Range(0, 101).Select(i => Insert("c1", $"x|{i}", "")).ToList(), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(table, [Insert("c1", "a", ""), Insert("c2", "a", "")], Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(table, [Insert("c1", "a", ""), Upsert("c1", "a", "")], Token));
        Assert.Empty(await RowKeysAsync(table, "c1"));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\tb")]
    [InlineData("a\u007fb")]
    public async Task Keys_WithCharactersTableStorageRefuses_Throw(string key)
    {
        var table = await NewTableAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(table, [Insert("c1", key, "")], Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(table, [Insert(key, "a|profile", "")], Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(table, [Delete("c1", key, null)], Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetAsync(table, "c1", key, Token));
    }

    [Theory]
    [InlineData("c'1", "x|o'brien")]
    [InlineData("c 1+2%3", "x|a&b=c;d")]
    [InlineData("顧客-ñ", "x|イベント🎁")]
    [InlineData("c(1)", "x|'')")]
    public async Task Keys_NeedingEscapesOnTheWire_RoundTripThroughEveryOperation(string pk, string rk)
    {
        var table = await NewTableAsync();

        var inserted = await InsertAsync(table, pk, rk, "v1");
        var queried = Assert.Single(await Store.QueryAsync(table, pk, "x|", "x}", Token));
        var replaced = await Store.CommitAsync(table, [Replace(inserted, "v2")], Token);
        var scanned = await Collect(Store.ScanAsync(table, "x|", Token));
        var reread = await Store.GetAsync(table, pk, rk, Token);
        var deleted = await Store.CommitAsync(table, [Delete(pk, rk, reread!.ETag)], Token);

        Assert.Equal((pk, rk, "v1"), (inserted.PartitionKey, inserted.RowKey, inserted.Data));
        Assert.Equal((pk, rk), (queried.PartitionKey, queried.RowKey));
        Assert.Equal(CommitResult.Ok, replaced);
        Assert.Contains(scanned, r => r.PartitionKey == pk && r.RowKey == rk);
        Assert.Equal("v2", reread.Data);
        Assert.Equal(CommitResult.Ok, deleted);
        Assert.Null(await Store.GetAsync(table, pk, rk, Token));
    }

    [Fact]
    public async Task Keys_UpTo512Characters_AreAccepted_LongerOnesThrow()
    {
        var table = await NewTableAsync();
        var longest = "i|" + new string('k', 510);

        Assert.Equal(CommitResult.Ok, await Store.CommitAsync(table, [Insert("c1", longest, "v")], Token));
        Assert.Equal("v", (await Store.GetAsync(table, "c1", longest, Token))!.Data);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(table, [Insert("c1", longest + "k", "")], Token));
    }

    [Fact]
    public async Task LargePayload_FortyThousandCharacters_RoundTripsThroughInsertQueryAndReplace()
    {
        var table = await NewTableAsync();

        // Non-ASCII text, with a surrogate pair straddling the 32K boundary a provider may split at.
        var data = string.Concat(Enumerable.Range(0, 40_000 / 8).Select(i => $"{i % 10}件の購入🎁a"))[..40_000];
        data = data[..(32 * 1024 - 1)] + "😀" + data[(32 * 1024 + 1)..];
        Assert.Equal(40_000, data.Length);

        var inserted = await InsertAsync(table, "c1", "a|profile", data);
        var queried = await Store.QueryAsync(table, "c1", "a", "b", Token);
        var bigger = data + data;
        Assert.Equal(CommitResult.Ok, await Store.CommitAsync(table, [Replace(inserted, bigger)], Token));
        var replaced = await Store.GetAsync(table, "c1", "a|profile", Token);

        Assert.Equal(data, inserted.Data);
        Assert.Equal(data, Assert.Single(queried).Data);
        Assert.Equal(bigger, replaced!.Data);
    }

    // A scan promises no order across partitions: compare sorted (ordinally).
    private static List<(string, string)> Keys(List<StoredRow> rows) =>
        rows.OrderBy(r => r.PartitionKey, StringComparer.Ordinal).ThenBy(r => r.RowKey, StringComparer.Ordinal).Select(r => (r.PartitionKey, r.RowKey)).ToList();

    private static async Task<List<StoredRow>> Collect(IAsyncEnumerable<StoredRow> rows)
    {
        var list = new List<StoredRow>();
        await foreach (var row in rows)
        {
            list.Add(row);
        }

        return list;
    }
}

/// <summary>The row-store contract on the in-memory provider.</summary>
public sealed class InMemoryRowStoreContractTests : RowStoreContract
{
    protected override IRowStore Store { get; } = new InMemoryRowStore();
}

/// <summary>The row-store contract on Azure Table Storage (Azurite).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteRowStoreContractTests(AzuriteFixture azurite) : RowStoreContract
{
    protected override IRowStore Store { get; } = StorageClients.FromConnectionString(azurite.ConnectionString).CreateRowStore();
}
