using System.Text;
using ScenarioEngine.Runtime.Export;

namespace ScenarioEngine.Channels;

/// <summary>One postcard to print: the address block and the message fields merged into the card.</summary>
public sealed class PostcardRow
{
    /// <summary>The addressee's name.</summary>
    public required string Name { get; init; }

    /// <summary>The postal code (〒 number in Japan).</summary>
    public required string PostalCode { get; init; }

    /// <summary>The prefecture, state or region.</summary>
    public string? Region { get; init; }

    /// <summary>The city, ward, town or village.</summary>
    public string? City { get; init; }

    /// <summary>The first address line (street and number).</summary>
    public required string AddressLine1 { get; init; }

    /// <summary>The second address line (building, room).</summary>
    public string? AddressLine2 { get; init; }

    /// <summary>The country (ISO code or name).</summary>
    public string? Country { get; init; }

    /// <summary>Message fields printed on the card, one extra column each.</summary>
    public IReadOnlyDictionary<string, string?> Fields { get; init; } = new Dictionary<string, string?>();
}

/// <summary>
/// Writes postcard batches as RFC 4180 CSV for print vendors: UTF-8 with a byte-order mark (so Excel in Japan
/// reads it as UTF-8), CRLF line ends, a stable column order, every cell through <see cref="CsvFormat.Text"/> (formulas neutralised).
/// </summary>
public static class PostcardCsv
{
    /// <summary>The address columns, always first and in this order.</summary>
    public static readonly IReadOnlyList<string> AddressColumns =
        ["name", "postal_code", "region", "city", "address_line1", "address_line2", "country"];

    private static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true);

    /// <summary>Why a message field cannot be a column of the batch, or null when it can: its name must differ from every address column.</summary>
    public static string? CheckFieldName(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field.Length == 0)
        {
            return "a postcard field needs a name: it is a column of the print batch";
        }

        return AddressColumns.Contains(field, StringComparer.Ordinal)
            ? $"'{field}' is the name of an address column of the print batch ({string.Join(", ", AddressColumns)}): rename the field"
            : null;
    }

    /// <summary>Splits cards into those the CSV can hold and those it cannot (a field named like an address column), each with the reason.</summary>
    public static (IReadOnlyList<PostcardRow> Printable, IReadOnlyList<(PostcardRow Row, string Reason)> Unprintable) Partition(IEnumerable<PostcardRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var printable = new List<PostcardRow>();
        var unprintable = new List<(PostcardRow, string)>();
        foreach (var row in rows)
        {
            var reason = row.Fields.Keys.Select(CheckFieldName).FirstOrDefault(r => r is not null);
            if (reason is null)
            {
                printable.Add(row);
            }
            else
            {
                unprintable.Add((row, reason));
            }
        }

        return (printable, unprintable);
    }

    /// <summary>
    /// The column order for a batch: the address columns, then <paramref name="fieldColumns"/> if given,
    /// else every message field of the batch in ordinal order. A field that fails <see cref="CheckFieldName"/> throws: filter
    /// stored cards through <see cref="Partition"/> first.
    /// </summary>
    public static IReadOnlyList<string> Columns(IEnumerable<PostcardRow> rows, IReadOnlyList<string>? fieldColumns = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var fields = fieldColumns ?? rows.SelectMany(r => r.Fields.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var field in fields)
        {
            if (CheckFieldName(field) is { } reason)
            {
                throw new ArgumentException("The message field " + reason + ".", nameof(fieldColumns));
            }
        }

        return [.. AddressColumns, .. fields];
    }

    /// <summary>Writes the batch to <paramref name="destination"/> (BOM, header row, one row per card).</summary>
    public static async Task WriteAsync(
        Stream destination,
        IReadOnlyList<PostcardRow> rows,
        IReadOnlyList<string>? fieldColumns = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var bytes = ToBytes(rows, fieldColumns);
        await destination.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The batch as CSV bytes, starting with the UTF-8 byte-order mark.</summary>
    public static byte[] ToBytes(IReadOnlyList<PostcardRow> rows, IReadOnlyList<string>? fieldColumns = null)
    {
        var text = ToCsv(rows, fieldColumns);
        var preamble = Utf8WithBom.GetPreamble();
        var bytes = new byte[preamble.Length + Utf8WithBom.GetByteCount(text)];
        preamble.CopyTo(bytes, 0);
        Utf8WithBom.GetBytes(text, 0, text.Length, bytes, preamble.Length);
        return bytes;
    }

    /// <summary>The batch as CSV text (without the byte-order mark).</summary>
    public static string ToCsv(IReadOnlyList<PostcardRow> rows, IReadOnlyList<string>? fieldColumns = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var columns = Columns(rows, fieldColumns);
        var builder = new StringBuilder();
        CsvFormat.AppendRow(builder, columns);
        foreach (var row in rows)
        {
            ArgumentNullException.ThrowIfNull(row);
            var values = new List<string?>(columns.Count)
            {
                row.Name, row.PostalCode, row.Region, row.City, row.AddressLine1, row.AddressLine2, row.Country,
            };
            values.AddRange(columns.Skip(AddressColumns.Count).Select(c => row.Fields.GetValueOrDefault(c)));
            CsvFormat.AppendRow(builder, values);
        }

        return builder.ToString();
    }
}
