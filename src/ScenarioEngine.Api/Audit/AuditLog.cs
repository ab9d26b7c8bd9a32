using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Api.Audit;

/// <summary>
/// The audit log in its own table (Engine:AuditTable): one partition per month ("audit|yyyy-MM"), row keys that sort newest first
/// (inverted ticks, then a random suffix so two changes in one tick both stay).
/// </summary>
public sealed class AuditLog(IRowStore store, IOptions<EngineHostOptions> options, TimeProvider time)
{
    /// <summary>The largest page.</summary>
    public const int MaxPage = 1000;

    private const string PartitionPrefix = "audit|";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private string Table => options.Value.AuditTable;

    /// <summary>Creates the table if needed.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => store.CreateTableAsync(Table, cancellationToken);

    /// <summary>Stores one entry.</summary>
    /// <exception cref="InvalidOperationException">The store refused the row.</exception>
    public async Task WriteAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var row = new StoredRow(Partition(entry.At), RowKey(entry.At) + "|" + Guid.NewGuid().ToString("N")[..8], JsonSerializer.Serialize(entry, Json));
        var result = await store.CommitAsync(Table, [new RowWrite(WriteKind.Insert, row)], cancellationToken).ConfigureAwait(false);
        if (result.Status != CommitStatus.Ok)
        {
            throw new InvalidOperationException($"The audit entry could not be stored: {result.Status}.");
        }
    }

    /// <summary>A page of entries, newest first.</summary>
    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var to = query.To ?? time.GetUtcNow();
        var from = query.From ?? to.AddYears(-1);
        var upper = RowKey(to);
        if (query.After is { } after && string.CompareOrdinal(after, upper) > 0)
        {
            upper = after;
            to = TimeOf(after);
        }

        var lower = RowKey(from) + "}";
        var entries = new List<(string RowKey, AuditEntry Entry)>();
        for (var month = new DateTimeOffset(to.Year, to.Month, 1, 0, 0, 0, TimeSpan.Zero); month >= new DateTimeOffset(from.Year, from.Month, 1, 0, 0, 0, TimeSpan.Zero); month = month.AddMonths(-1))
        {
            var rows = await store.QueryAsync(Table, Partition(month), upper, lower, cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                if (row.RowKey == query.After)
                {
                    continue;
                }

                var entry = JsonSerializer.Deserialize<AuditEntry>(row.Data, Json)!;
                if (Matches(query.Key, entry.Key) && Matches(query.Kind, entry.Kind) && Matches(query.Target, entry.Target))
                {
                    entries.Add((row.RowKey, entry));
                    if (entries.Count > query.Max)
                    {
                        return new AuditPage(entries.Take(query.Max).Select(e => e.Entry).ToList(), entries[query.Max - 1].RowKey);
                    }
                }
            }
        }

        return new AuditPage(entries.Select(e => e.Entry).ToList(), null);
    }

    /// <summary>True when <paramref name="cursor"/> has the form of a row key this log wrote.</summary>
    public static bool IsCursor(string cursor) =>
        cursor is { Length: 28 } && cursor[19] == '|' && cursor[..19].All(char.IsAsciiDigit) && cursor[20..].All(char.IsAsciiHexDigitLower)
        && long.Parse(cursor[..19], CultureInfo.InvariantCulture) <= DateTimeOffset.MaxValue.UtcTicks;

    private static bool Matches(string? wanted, string? value) => wanted is null || string.Equals(wanted, value, StringComparison.OrdinalIgnoreCase);

    private static string Partition(DateTimeOffset at) => PartitionPrefix + at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static string RowKey(DateTimeOffset at) => (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    private static DateTimeOffset TimeOf(string rowKey) =>
        new(DateTimeOffset.MaxValue.UtcTicks - long.Parse(rowKey[..19], CultureInfo.InvariantCulture), TimeSpan.Zero);
}
