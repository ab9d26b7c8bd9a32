using System.Diagnostics;
using System.Runtime.CompilerServices;
using ScenarioEngine.Runtime.Diagnostics;

namespace ScenarioEngine.Runtime.Storage;

/// <summary>Counts and times the engine's row-store calls on <see cref="EngineMeter"/> (scenarioengine.storage.*), then passes them on.</summary>
internal sealed class MeteredRowStore(IRowStore inner) : IRowStore
{
    public async Task CreateTableAsync(string table, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await inner.CreateTableAsync(table, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            EngineMeter.StorageCall("table.create", start);
        }
    }

    public async Task<StoredRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await inner.GetAsync(table, partitionKey, rowKey, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            EngineMeter.StorageCall("table.get", start);
        }
    }

    public async Task<IReadOnlyList<StoredRow>> QueryAsync(string table, string partitionKey, string fromRowKey, string toRowKey, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await inner.QueryAsync(table, partitionKey, fromRowKey, toRowKey, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            EngineMeter.StorageCall("table.query", start);
        }
    }

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

    public async Task<CommitResult> CommitAsync(string table, IReadOnlyList<RowWrite> writes, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await inner.CommitAsync(table, writes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            EngineMeter.StorageCall("table.commit", start);
        }
    }
}
