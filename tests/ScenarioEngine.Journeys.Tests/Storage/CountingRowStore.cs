using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Journeys.Tests.Storage;

/// <summary>A row store that counts the single-row reads and the transactions made through it.</summary>
internal sealed class CountingRowStore(IRowStore inner) : IRowStore
{
    private int _gets;
    private int _commits;

    public int Gets => Volatile.Read(ref _gets);

    public int Commits => Volatile.Read(ref _commits);

    public Task CreateTableAsync(string table, CancellationToken cancellationToken = default) => inner.CreateTableAsync(table, cancellationToken);

    public Task<StoredRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _gets);
        return inner.GetAsync(table, partitionKey, rowKey, cancellationToken);
    }

    public Task<IReadOnlyList<StoredRow>> QueryAsync(string table, string partitionKey, string fromRowKey, string toRowKey, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(table, partitionKey, fromRowKey, toRowKey, cancellationToken);

    public IAsyncEnumerable<StoredRow> ScanAsync(string table, string rowKeyPrefix, CancellationToken cancellationToken = default) =>
        inner.ScanAsync(table, rowKeyPrefix, cancellationToken);

    public Task<CommitResult> CommitAsync(string table, IReadOnlyList<RowWrite> writes, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _commits);
        return inner.CommitAsync(table, writes, cancellationToken);
    }
}
