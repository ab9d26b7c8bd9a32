using System.Diagnostics;
using System.Runtime.CompilerServices;
using ScenarioEngine.Runtime.Diagnostics;

namespace ScenarioEngine.Runtime.Storage;

/// <summary>Counts and times the engine's row-store calls on <see cref="EngineMeter"/> (scenarioengine.storage.*), then passes them on.</summary>
internal sealed class MeteredRowStore(IRowStore inner) : IRowStore
{
    // Arguments are evaluated in order: the timestamp is taken before the call starts.
    public Task CreateTableAsync(string table, CancellationToken cancellationToken = default) =>
        MeteredCall.Run("table.create", Stopwatch.GetTimestamp(), inner.CreateTableAsync(table, cancellationToken));

    public Task<StoredRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) =>
        MeteredCall.Run("table.get", Stopwatch.GetTimestamp(), inner.GetAsync(table, partitionKey, rowKey, cancellationToken));

    public Task<IReadOnlyList<StoredRow>> QueryAsync(string table, string partitionKey, string fromRowKey, string toRowKey, CancellationToken cancellationToken = default) =>
        MeteredCall.Run("table.query", Stopwatch.GetTimestamp(), inner.QueryAsync(table, partitionKey, fromRowKey, toRowKey, cancellationToken));

    public async IAsyncEnumerable<StoredRow> ScanAsync(string table, string rowKeyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await foreach (var row in inner.ScanAsync(table, rowKeyPrefix, cancellationToken).ConfigureAwait(false))
            {
                yield return row;
            }
        }
        finally
        {
            EngineMeter.StorageCall("table.scan", start);
        }
    }

    public Task<CommitResult> CommitAsync(string table, IReadOnlyList<RowWrite> writes, CancellationToken cancellationToken = default) =>
        MeteredCall.Run("table.commit", Stopwatch.GetTimestamp(), inner.CommitAsync(table, writes, cancellationToken));
}
