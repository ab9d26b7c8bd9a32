using System.Globalization;
using Microsoft.Extensions.Options;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Api.Catalog;

/// <summary>A stored document (journey draft or version, or message) with its JSON text as submitted.</summary>
public sealed record StoredDocument(string Json, DateTimeOffset SavedAt);

/// <summary>A journey as the definitions table holds it.</summary>
/// <param name="Id">The journey id.</param>
/// <param name="Name">The name of the latest version (or of the draft when unpublished).</param>
/// <param name="State">The state, null while only a draft exists.</param>
/// <param name="Versions">Published version numbers, ascending.</param>
/// <param name="LastPublishedAt">When the latest version was published, or null.</param>
/// <param name="DraftSavedAt">When the draft was last saved, if there is one.</param>
public sealed record JourneySummary(string Id, string? Name, JourneyState? State, IReadOnlyList<int> Versions, DateTimeOffset? DraftSavedAt, DateTimeOffset? LastPublishedAt = null);

/// <summary>A message as the definitions table holds it.</summary>
public sealed record MessageSummary(string Id, string? Name, IReadOnlyList<string> Media, DateTimeOffset SavedAt);

/// <summary>A JSON segment as the definitions table holds it.</summary>
public sealed record SegmentSummary(string Id, string? Name, string? Description, DateTimeOffset SavedAt);

/// <summary>
/// Journey drafts, immutable published versions, journey states, messages and JSON segments, kept in a definitions table through
/// <see cref="IRowStore"/> so every process sees them; <see cref="ReloadAsync"/> loads them into the engine's catalog.
/// </summary>
/// <remarks>
/// One partition per journey ("journey|{id}": rows "draft", "state", "version|0000000001"...), per message
/// ("message|{id}": row "message") and per segment ("segment|{id}": row "segment"). A version row is inserted, never replaced:
/// two publishers racing get different numbers.
/// </remarks>
public sealed class DefinitionStore
{
    private const string DraftRow = "draft";
    private const string StateRow = "state";
    private const string MessageRow = "message";
    private const string SegmentRow = "segment";
    private const string SegmentPrefix = "segment|";
    private const string VersionPrefix = "version|";
    private readonly IRowStore _store;
    private readonly Runtime.Engine.Catalog _catalog;
    private readonly TimeProvider _time;
    private readonly ILogger<DefinitionStore> _logger;
    private readonly SemaphoreSlim _reload = new(1, 1);

    /// <summary>Creates the store.</summary>
    public DefinitionStore(IRowStore store, Runtime.Engine.Catalog catalog, IOptions<EngineHostOptions> options, TimeProvider time, ILogger<DefinitionStore> logger)
    {
        _store = store;
        _catalog = catalog;
        _time = time;
        _logger = logger;
        Table = options.Value.DefinitionsTable;
    }

    /// <summary>The table name.</summary>
    public string Table { get; }

    /// <summary>When the catalog was last loaded.</summary>
    public DateTimeOffset? LoadedAt { get; private set; }

    private sealed record StateDoc(JourneyState State, DateTimeOffset At);

    private static string JourneyPartition(string id) => "journey|" + id;

    private static string MessagePartition(string id) => "message|" + id;

    private static string SegmentPartition(string id) => SegmentPrefix + id;

    private static string VersionRow(int version) => VersionPrefix + version.ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>Creates the table.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => _store.CreateTableAsync(Table, cancellationToken);

    // ------------------------------------------------------------------ journeys

    /// <summary>Creates or replaces a journey's draft (the caller has validated it).</summary>
    public async Task<StoredDocument> SaveDraftAsync(string journeyId, string json, CancellationToken cancellationToken = default)
    {
        var doc = new StoredDocument(json, _time.GetUtcNow());
        await CommitOrThrowAsync([new RowWrite(WriteKind.Upsert, new StoredRow(JourneyPartition(journeyId), DraftRow, Codec.Write(doc)))], cancellationToken).ConfigureAwait(false);
        return doc;
    }

    /// <summary>The draft, or null.</summary>
    public async Task<StoredDocument?> GetDraftAsync(string journeyId, CancellationToken cancellationToken = default)
    {
        var row = await _store.GetAsync(Table, JourneyPartition(journeyId), DraftRow, cancellationToken).ConfigureAwait(false);
        return row is null ? null : Codec.Read<StoredDocument>(row.Data);
    }

    /// <summary>The published versions of a journey, ascending.</summary>
    public async Task<IReadOnlyList<(int Version, StoredDocument Document)>> GetVersionsAsync(string journeyId, CancellationToken cancellationToken = default)
    {
        var rows = await _store.QueryAsync(Table, JourneyPartition(journeyId), VersionPrefix, "version}", cancellationToken).ConfigureAwait(false);
        return rows.Select(r => (ParseVersion(r.RowKey), Codec.Read<StoredDocument>(r.Data))).ToList();
    }

    /// <summary>The journey's state, or null when it was never published.</summary>
    public async Task<JourneyState?> GetStateAsync(string journeyId, CancellationToken cancellationToken = default)
    {
        var row = await _store.GetAsync(Table, JourneyPartition(journeyId), StateRow, cancellationToken).ConfigureAwait(false);
        return row is null ? null : Codec.Read<StateDoc>(row.Data).State;
    }

    /// <summary>Stores a new immutable version (the next number) and returns it; the journey becomes Active on its first version.</summary>
    public async Task<int> PublishAsync(string journeyId, string json, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var partition = JourneyPartition(journeyId);
            var rows = await _store.QueryAsync(Table, partition, "", "~", cancellationToken).ConfigureAwait(false);
            var next = rows.Where(r => r.RowKey.StartsWith(VersionPrefix, StringComparison.Ordinal)).Select(r => ParseVersion(r.RowKey)).DefaultIfEmpty(0).Max() + 1;
            var now = _time.GetUtcNow();
            var writes = new List<RowWrite> { new(WriteKind.Insert, new StoredRow(partition, VersionRow(next), Codec.Write(new StoredDocument(json, now)))) };
            if (!rows.Any(r => r.RowKey == StateRow))
            {
                writes.Add(new RowWrite(WriteKind.Insert, new StoredRow(partition, StateRow, Codec.Write(new StateDoc(JourneyState.Active, now)))));
            }

            var result = await _store.CommitAsync(Table, writes, cancellationToken).ConfigureAwait(false);
            if (result.Status == CommitStatus.Ok)
            {
                return next;
            }
        }

        throw new InvalidOperationException($"journey {journeyId}: could not store a new version (too many concurrent publishers)");
    }

    /// <summary>Sets a published journey's state; false when it was never published.</summary>
    public async Task<bool> SetStateAsync(string journeyId, JourneyState state, CancellationToken cancellationToken = default)
    {
        var partition = JourneyPartition(journeyId);
        var row = await _store.GetAsync(Table, partition, StateRow, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return false;
        }

        await CommitOrThrowAsync([new RowWrite(WriteKind.Upsert, new StoredRow(partition, StateRow, Codec.Write(new StateDoc(state, _time.GetUtcNow()))))], cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Every journey with a draft or a version.</summary>
    public async Task<IReadOnlyList<JourneySummary>> ListJourneysAsync(CancellationToken cancellationToken = default)
    {
        var byId = new SortedDictionary<string, (string? Name, JourneyState? State, List<int> Versions, DateTimeOffset? Draft, string? DraftName, DateTimeOffset? Published)>(StringComparer.Ordinal);
        await foreach (var row in ScanJourneyRowsAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = row.PartitionKey["journey|".Length..];
            var entry = byId.GetValueOrDefault(id, (null, null, new List<int>(), null, null, null));
            if (row.RowKey == DraftRow)
            {
                var draft = Codec.Read<StoredDocument>(row.Data);
                entry.Draft = draft.SavedAt;
                entry.DraftName = NameOf(draft.Json);
            }
            else if (row.RowKey == StateRow)
            {
                entry.State = Codec.Read<StateDoc>(row.Data).State;
            }
            else if (row.RowKey.StartsWith(VersionPrefix, StringComparison.Ordinal))
            {
                var version = Codec.Read<StoredDocument>(row.Data);
                entry.Versions.Add(ParseVersion(row.RowKey));
                entry.Name = NameOf(version.Json);
                entry.Published = entry.Published is { } p && p > version.SavedAt ? p : version.SavedAt;
            }

            byId[id] = entry;
        }

        return byId.Select(kv => new JourneySummary(kv.Key, kv.Value.Name ?? kv.Value.DraftName, kv.Value.State, kv.Value.Versions.Order().ToList(), kv.Value.Draft, kv.Value.Published)).ToList();
    }

    private async IAsyncEnumerable<StoredRow> ScanJourneyRowsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var prefix in new[] { DraftRow, StateRow, VersionPrefix })
        {
            await foreach (var row in _store.ScanAsync(Table, prefix, cancellationToken).ConfigureAwait(false))
            {
                if (row.PartitionKey.StartsWith("journey|", StringComparison.Ordinal))
                {
                    yield return row;
                }
            }
        }
    }

    // ------------------------------------------------------------------ messages

    /// <summary>Creates or replaces a message (the caller has validated it).</summary>
    public async Task<StoredDocument> PutMessageAsync(string messageId, string json, CancellationToken cancellationToken = default)
    {
        var doc = new StoredDocument(json, _time.GetUtcNow());
        await CommitOrThrowAsync([new RowWrite(WriteKind.Upsert, new StoredRow(MessagePartition(messageId), MessageRow, Codec.Write(doc)))], cancellationToken).ConfigureAwait(false);
        return doc;
    }

    /// <summary>A message, or null.</summary>
    public async Task<StoredDocument?> GetMessageAsync(string messageId, CancellationToken cancellationToken = default)
    {
        var row = await _store.GetAsync(Table, MessagePartition(messageId), MessageRow, cancellationToken).ConfigureAwait(false);
        return row is null ? null : Codec.Read<StoredDocument>(row.Data);
    }

    /// <summary>Every message.</summary>
    public async Task<IReadOnlyList<MessageSummary>> ListMessagesAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<MessageSummary>();
        await foreach (var row in _store.ScanAsync(Table, MessageRow, cancellationToken).ConfigureAwait(false))
        {
            var doc = Codec.Read<StoredDocument>(row.Data);
            var parsed = MessageParser.Parse(doc.Json).Value;
            list.Add(new MessageSummary(row.PartitionKey["message|".Length..], parsed?.Name, parsed?.Media.ToList() ?? [], doc.SavedAt));
        }

        return list.OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
    }

    // ------------------------------------------------------------------ segments

    /// <summary>Creates or replaces a JSON segment (the caller has validated it).</summary>
    public async Task<StoredDocument> PutSegmentAsync(string segmentId, string json, CancellationToken cancellationToken = default)
    {
        var doc = new StoredDocument(json, _time.GetUtcNow());
        await CommitOrThrowAsync([new RowWrite(WriteKind.Upsert, new StoredRow(SegmentPartition(segmentId), SegmentRow, Codec.Write(doc)))], cancellationToken).ConfigureAwait(false);
        return doc;
    }

    /// <summary>A segment, or null.</summary>
    public async Task<StoredDocument?> GetSegmentAsync(string segmentId, CancellationToken cancellationToken = default)
    {
        var row = await _store.GetAsync(Table, SegmentPartition(segmentId), SegmentRow, cancellationToken).ConfigureAwait(false);
        return row is null ? null : Codec.Read<StoredDocument>(row.Data);
    }

    /// <summary>Deletes a segment; false when there was none.</summary>
    public async Task<bool> DeleteSegmentAsync(string segmentId, CancellationToken cancellationToken = default)
    {
        // A delete without an ETag fails only when the row is missing.
        var result = await _store.CommitAsync(Table, [new RowWrite(WriteKind.Delete, new StoredRow(SegmentPartition(segmentId), SegmentRow, ""))], cancellationToken)
            .ConfigureAwait(false);
        return result.Status == CommitStatus.Ok;
    }

    /// <summary>Every segment, by id.</summary>
    public async Task<IReadOnlyList<SegmentSummary>> ListSegmentsAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<SegmentSummary>();
        await foreach (var (id, doc) in ScanSegmentsAsync(cancellationToken).ConfigureAwait(false))
        {
            var parsed = SegmentParser.Parse(doc.Json).Value;
            list.Add(new SegmentSummary(id, parsed?.Name, parsed?.Description, doc.SavedAt));
        }

        return list.OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
    }

    private async IAsyncEnumerable<(string Id, StoredDocument Document)> ScanSegmentsAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Other partitions (postcard batches) have free-form row keys: keep only segment partitions.
        await foreach (var row in _store.ScanAsync(Table, SegmentRow, cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == SegmentRow && row.PartitionKey.StartsWith(SegmentPrefix, StringComparison.Ordinal))
            {
                yield return (row.PartitionKey[SegmentPrefix.Length..], Codec.Read<StoredDocument>(row.Data));
            }
        }
    }

    // ------------------------------------------------------------------ catalog

    /// <summary>
    /// Loads every published version, state and message into the catalog in one swap, then every JSON segment (replacing the
    /// catalog's segments, so a deleted one is removed). A stored document that no longer parses is logged and left out (the
    /// previous load keeps nothing of it either), so one bad row does not stop the engine.
    /// </summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var messages = new List<MessageDocument>();
            await foreach (var row in _store.ScanAsync(Table, MessageRow, cancellationToken).ConfigureAwait(false))
            {
                var parsed = MessageParser.Parse(Codec.Read<StoredDocument>(row.Data).Json);
                if (parsed.IsValid)
                {
                    messages.Add(parsed.Value!);
                }
                else
                {
                    Log.StoredDocumentInvalid(_logger, row.PartitionKey, row.RowKey, string.Join("; ", parsed.Errors));
                }
            }

            var versions = new List<Journey>();
            var states = new List<(string, JourneyState)>();
            await foreach (var row in ScanJourneyRowsAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = row.PartitionKey["journey|".Length..];
                if (row.RowKey == StateRow)
                {
                    states.Add((id, Codec.Read<StateDoc>(row.Data).State));
                }
                else if (row.RowKey.StartsWith(VersionPrefix, StringComparison.Ordinal))
                {
                    var parsed = JourneyParser.Parse(Codec.Read<StoredDocument>(row.Data).Json);
                    if (parsed.IsValid)
                    {
                        versions.Add(parsed.Value! with { Version = ParseVersion(row.RowKey) });
                    }
                    else
                    {
                        Log.StoredDocumentInvalid(_logger, row.PartitionKey, row.RowKey, string.Join("; ", parsed.Errors));
                    }
                }
            }

            var segments = new List<Segment>();
            await foreach (var (id, doc) in ScanSegmentsAsync(cancellationToken).ConfigureAwait(false))
            {
                var parsed = SegmentParser.Parse(doc.Json, Runtime.Engine.Catalog.ReservedSegmentIds);
                if (parsed.IsValid && parsed.Value!.Id == id)
                {
                    segments.Add(parsed.Value);
                }
                else
                {
                    Log.StoredDocumentInvalid(_logger, SegmentPartition(id), SegmentRow, parsed.IsValid ? $"the document's id is '{parsed.Value!.Id}'" : string.Join("; ", parsed.Errors));
                }
            }

            _catalog.Load(versions, states, messages);
            _catalog.ReplaceSegments(segments);
            LoadedAt = _time.GetUtcNow();
        }
        finally
        {
            _reload.Release();
        }
    }

    private async Task CommitOrThrowAsync(IReadOnlyList<RowWrite> writes, CancellationToken cancellationToken)
    {
        var result = await _store.CommitAsync(Table, writes, cancellationToken).ConfigureAwait(false);
        if (result.Status != CommitStatus.Ok)
        {
            throw new InvalidOperationException($"definitions table: unexpected {result.Status} on an upsert");
        }
    }

    private static int ParseVersion(string rowKey) => int.Parse(rowKey.AsSpan(VersionPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture);

    private static string? NameOf(string json)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && doc.RootElement.TryGetProperty("name", out var n) &&
                   n.ValueKind == System.Text.Json.JsonValueKind.String ? n.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
