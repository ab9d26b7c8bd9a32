using System.Buffers.Text;
using System.Text;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>One page of a journey's instances at or through a step, in scan order.</summary>
/// <param name="Instances">The instances of this page.</param>
/// <param name="Continuation">Where the next page starts (opaque), or null after the last page.</param>
public sealed record StepInstancesPage(IReadOnlyList<JourneyInstance> Instances, string? Continuation);

public sealed partial class JourneyEngine
{
    /// <summary>
    /// The instances of a journey at a step now (<paramref name="through"/> false: active and on the step) or that entered it
    /// (true), <paramref name="max"/> at a time from <paramref name="continuation"/>. A scan of the journey's instance rows.
    /// </summary>
    public async Task<StepInstancesPage> ListStepInstancesAsync(
        string journeyId, string stepId, bool through, int max, string? continuation = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(journeyId);
        ArgumentException.ThrowIfNullOrEmpty(stepId);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var after = continuation is null ? null : DecodeContinuation(continuation);
        var entered = stepId + ".entered";
        var page = new List<JourneyInstance>(max);
        string? last = null;
        await foreach (var row in _store.ScanAsync(Table, Codec.InstancePrefix + journeyId + ":", cancellationToken).ConfigureAwait(false))
        {
            var position = row.PartitionKey + "\0" + row.RowKey;
            if (after is not null && string.CompareOrdinal(position, after) <= 0)
            {
                continue;
            }

            var doc = Codec.Read<InstanceDoc>(row);
            var matches = through
                ? doc.Counts.GetValueOrDefault(entered) > 0
                : doc.State.Status == InstanceStatus.Active && doc.State.Step == stepId;
            if (!matches)
            {
                continue;
            }

            if (page.Count == max)
            {
                return new StepInstancesPage(page, EncodeContinuation(last!));
            }

            page.Add(doc.State);
            last = position;
        }

        return new StepInstancesPage(page, null);
    }

    /// <summary>
    /// A journey's counts as the counts job last aggregated them (one row read; <see cref="JourneyStats.AsOf"/> says when), or, before
    /// the job has seen the journey, a scan of its instances made now.
    /// </summary>
    public async Task<JourneyStats> GetCountsAsync(string journeyId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(journeyId);
        var row = await _store.GetAsync(Options.StatsTable, journeyId, JourneyStatsDoc.RowKey, cancellationToken).ConfigureAwait(false);
        return row is null
            ? await GetStatsAsync(journeyId, cancellationToken).ConfigureAwait(false)
            : JourneyStats.From(journeyId, Codec.Read<JourneyStatsDoc>(row));
    }

    /// <summary>Stores each journey's counts (one row per journey, replaced whole: the last run wins).</summary>
    private async Task WriteCountsAsync(IEnumerable<JourneyStats> stats, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        foreach (var s in stats)
        {
            var row = Codec.Row(s.JourneyId, JourneyStatsDoc.RowKey, s.ToDoc(asOf));
            await _store.CommitAsync(Options.StatsTable, [new RowWrite(WriteKind.Upsert, row)], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether <paramref name="continuation"/> is one <see cref="ListStepInstancesAsync"/> gave.</summary>
    public static bool IsContinuation(string continuation) => DecodeContinuation(continuation) is not null;

    private static string EncodeContinuation(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(position));

    private static string? DecodeContinuation(string continuation)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(continuation));
            return text.Contains('\0', StringComparison.Ordinal) ? text : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
