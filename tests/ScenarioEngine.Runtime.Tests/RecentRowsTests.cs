using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>What a committed batch leaves in the process's remembered rows (ingest keeps its instance rows only).</summary>
public sealed class RecentRowsTests
{
    [Fact]
    public void Remember_BatchWithARowKeyPrefix_KeepsOnlyTheRowsUnderItWithTheirNewETags()
    {
        var recent = new RecentRows();
        RowWrite[] writes = [Write(WriteKind.Insert, "x|e1"), Write(WriteKind.Insert, "i|j1:i1"), Write(WriteKind.Replace, "a|profile", "old")];

        recent.Remember("t", writes, CommitResult.Ok with { ETags = ["1", "2", "3"] }, rowKeyPrefix: "i|");

        Assert.Equal("2", recent.Find("t", "c1", "i|j1:i1")?.ETag);
        Assert.Null(recent.Find("t", "c1", "x|e1"));
        Assert.Null(recent.Find("t", "c1", "a|profile"));
    }

    [Fact]
    public void Remember_BatchWhoseNewETagsTheStoreDidNotSay_ForgetsTheRowsUnderThePrefix()
    {
        var recent = new RecentRows();
        recent.Remember("t", new StoredRow("c1", "i|j1:i1", "{}", "old"));

        recent.Remember("t", [Write(WriteKind.Replace, "i|j1:i1", "old")], CommitResult.Ok, rowKeyPrefix: "i|");

        Assert.Null(recent.Find("t", "c1", "i|j1:i1"));
    }

    [Fact]
    public void Remember_CapacityZero_KeepsNothing()
    {
        var recent = new RecentRows(capacity: 0);

        recent.Remember("t", [Write(WriteKind.Insert, "i|j1:i1")], CommitResult.Ok with { ETags = ["1"] }, rowKeyPrefix: "i|");

        Assert.Null(recent.Find("t", "c1", "i|j1:i1"));
    }

    private static RowWrite Write(WriteKind kind, string rowKey, string? etag = null) => new(kind, new StoredRow("c1", rowKey, "{}", etag));
}
