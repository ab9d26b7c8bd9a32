using System.Globalization;
using System.Text.Json;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Channels;

/// <summary>A day's postcard batch as exported.</summary>
/// <param name="Day">The batch day.</param>
/// <param name="Rows">The cards.</param>
/// <param name="ExportedAt">When the batch was first exported.</param>
/// <param name="FirstExport">True when this call exported it.</param>
public sealed record PostcardExport(DateOnly Day, IReadOnlyList<PostcardRow> Rows, DateTimeOffset ExportedAt, bool FirstExport);


/// <summary>
/// Postcards go into daily batches for a print vendor: each card is a row of the day's partition (the send date in
/// <see cref="TimeZone"/>), keyed by the idempotency key so a retried send adds nothing; <see cref="ReadBatchAsync"/> gives the
/// day's cards for <see cref="PostcardCsv"/>, and <see cref="ExportAsync"/> closes a day's batch once. The address comes from the profile attributes of docs/events.md.
/// </summary>
public sealed class PostcardBatchChannel : IChannel
{
    private const string PartitionPrefix = "postcards|";
    private readonly IRowStore _store;
    private readonly string _table;
    private readonly TimeProvider _time;

    /// <summary>Creates the channel over a table (created by the caller).</summary>
    public PostcardBatchChannel(IRowStore store, string table, TimeZoneInfo timeZone, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentNullException.ThrowIfNull(timeZone);
        _store = store;
        _table = table;
        TimeZone = timeZone;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Medium => Core.Language.Medium.Postcard;

    /// <summary>The zone whose calendar day names a batch.</summary>
    public TimeZoneInfo TimeZone { get; }

    private sealed record StoredCard(string CustomerId, string JourneyId, string StepId, string MessageId, PostcardRow Row);

    /// <inheritdoc />
    public async Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var p = message.Profile;
        var name = DeliveryMapping.Attribute(p, "name") ??
                   string.Join(' ', new[] { DeliveryMapping.Attribute(p, "lastName"), DeliveryMapping.Attribute(p, "firstName") }.Where(s => s is not null));
        var postalCode = DeliveryMapping.Attribute(p, "postalCode");
        var line1 = DeliveryMapping.Attribute(p, "addressLine1");
        if (name.Length == 0 || postalCode is null || line1 is null)
        {
            return new Rejected("the customer has no postal address (name or firstName/lastName, postalCode and addressLine1 are needed)");
        }

        var row = new PostcardRow
        {
            Name = name,
            PostalCode = postalCode,
            Region = DeliveryMapping.Attribute(p, "prefecture") ?? DeliveryMapping.Attribute(p, "region"),
            City = DeliveryMapping.Attribute(p, "city"),
            AddressLine1 = line1,
            AddressLine2 = DeliveryMapping.Attribute(p, "addressLine2"),
            Country = DeliveryMapping.Attribute(p, "country"),
            Fields = message.Content.Where(kv => kv.Key.StartsWith("fields.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key["fields.".Length..], kv => (string?)kv.Value, StringComparer.Ordinal),
        };
        // Messages are checked when saved; one saved before that check must not put an unprintable card into the batch.
        if (row.Fields.Keys.Select(PostcardCsv.CheckFieldName).FirstOrDefault(r => r is not null) is { } unprintable)
        {
            return new Rejected("the card cannot be printed: " + unprintable);
        }

        // A day's batch is exported once: a card that arrives after the export goes into the next day's batch.
        var day = BatchDate(_time.GetUtcNow());
        while (await _store.GetAsync(_table, Partition(day), ExportedKey, cancellationToken).ConfigureAwait(false) is not null)
        {
            day = day.AddDays(1);
        }

        var card = new StoredCard(message.CustomerId, message.JourneyId, message.StepId, message.MessageId, row);
        var stored = new StoredRow(PartitionPrefix + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Key(message.IdempotencyKey), JsonSerializer.Serialize(card));
        var result = await _store.CommitAsync(_table, [new RowWrite(WriteKind.Insert, stored)], cancellationToken).ConfigureAwait(false);
        // AlreadyExists: an earlier attempt of this very send stored the card; it is in the batch once.
        return result.Status is CommitStatus.Ok or CommitStatus.AlreadyExists
            ? new Delivered($"postcard batch {day:yyyy-MM-dd}")
            : new RetryLater(TimeSpan.FromSeconds(10), "the postcard batch could not be written");
    }

    /// <summary>The batch day of a moment.</summary>
    public DateOnly BatchDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZone).DateTime);

    /// <summary>The cards of one day, in the order of their keys.</summary>
    public async Task<IReadOnlyList<PostcardRow>> ReadBatchAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        var rows = await _store.QueryAsync(_table, Partition(day), "", "\uffff", cancellationToken).ConfigureAwait(false);
        return rows.Where(r => r.RowKey != ExportedKey).Select(r => JsonSerializer.Deserialize<StoredCard>(r.Data)!.Row).ToList();
    }

    /// <summary>
    /// Exports a day's batch: the first export closes it (later cards go to the next day) and records when; a later call returns the
    /// same cards with the time of the first export, so the caller can refuse a second print run.
    /// </summary>
    public async Task<PostcardExport> ExportAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var marker = new StoredRow(Partition(day), ExportedKey, JsonSerializer.Serialize(now));
        var result = await _store.CommitAsync(_table, [new RowWrite(WriteKind.Insert, marker)], cancellationToken).ConfigureAwait(false);
        var first = result.Status == CommitStatus.Ok;
        var exportedAt = now;
        if (!first && await _store.GetAsync(_table, Partition(day), ExportedKey, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            exportedAt = JsonSerializer.Deserialize<DateTimeOffset>(existing.Data);
        }

        return new PostcardExport(day, await ReadBatchAsync(day, cancellationToken).ConfigureAwait(false), exportedAt, first);
    }

    private const string ExportedKey = "~exported";

    private static string Partition(DateOnly day) => PartitionPrefix + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Key(string idempotencyKey) =>
        idempotencyKey.Length <= 200 && TableKeys.HasAllowedCharacters(idempotencyKey)
            ? idempotencyKey
            : "h" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(idempotencyKey)));
}
