using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>The in-memory store keeps the document a row was written with: no JSON is written or parsed on its path.</summary>
public sealed class InMemoryDocumentTests
{
    [Fact]
    public async Task Commit_RowOfADocument_ReadsHandTheDocumentOnWithoutItsJson()
    {
        var store = new InMemoryRowStore();
        await store.CreateTableAsync("t");
        var document = new CountingDocument();

        var result = await store.CommitAsync("t", [new RowWrite(WriteKind.Insert, StoredRow.FromDocument("c1", "a|p", document))]);
        var got = await store.GetAsync("t", "c1", "a|p");
        var queried = Assert.Single(await store.QueryAsync("t", "c1", "a", "b"));
        var scanned = await store.ScanAsync("t", "a|").SingleAsync();

        Assert.Equal(CommitStatus.Ok, result.Status);
        Assert.All(new[] { got!, queried, scanned }, row => Assert.Same(document, row.Document));
        Assert.Equal(result.ETags![0], got!.ETag);
        Assert.Equal(0, document.JsonWritten);
    }

    [Fact]
    public async Task Commit_RowOfText_ReadsBackTheText()
    {
        var store = new InMemoryRowStore();
        await store.CreateTableAsync("t");

        await store.CommitAsync("t", [new RowWrite(WriteKind.Insert, new StoredRow("c1", "a|p", "{\"x\":1}"))]);
        var got = await store.GetAsync("t", "c1", "a|p");

        Assert.Null(got!.Document);
        Assert.Equal("{\"x\":1}", got.Data);
    }

    private sealed class CountingDocument : RowDocument
    {
        public int JsonWritten { get; private set; }

        public override string ToJson()
        {
            JsonWritten++;
            return "{}";
        }
    }
}
