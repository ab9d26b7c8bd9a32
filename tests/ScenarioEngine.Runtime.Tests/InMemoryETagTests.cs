using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>The in-memory store compares ETags without formatting them: only the exact text it handed out matches.</summary>
public sealed class InMemoryETagTests
{
    private static CancellationToken Token => CancellationToken.None;

    [Fact]
    public async Task Replace_OnlyTheExactETagTextMatches()
    {
        var store = new InMemoryRowStore();
        await store.CreateTableAsync("t", Token);
        var insert = await store.CommitAsync("t", [new RowWrite(WriteKind.Insert, new StoredRow("c1", "a|p", "{}"))], Token);
        var etag = insert.ETags![0]!;
        var digits = etag[3..^1];

        foreach (var near in new[] { "W/\"0" + digits + "\"", "\"" + digits + "\"", "W/\"" + digits, "W/\"+" + digits + "\"", "W/\" " + digits + "\"", "*", "", "W/\"\"" })
        {
            var result = await store.CommitAsync("t", [new RowWrite(WriteKind.Replace, new StoredRow("c1", "a|p", "{\"x\":1}", near))], Token);
            Assert.True(result.Status == CommitStatus.ConditionFailed, $"ETag {near} matched {etag}");
            var delete = await store.CommitAsync("t", [new RowWrite(WriteKind.Delete, new StoredRow("c1", "a|p", "", near))], Token);
            Assert.Equal(CommitStatus.ConditionFailed, delete.Status);
        }

        Assert.Equal(CommitStatus.Ok, (await store.CommitAsync("t", [new RowWrite(WriteKind.Replace, new StoredRow("c1", "a|p", "{\"x\":1}", etag))], Token)).Status);
    }
}
