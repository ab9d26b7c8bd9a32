using System.Text;

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
/// reads it as UTF-8), CRLF line ends, a stable column order.
/// </summary>
public static class PostcardCsv
{
    /// <summary>The address columns, always first and in this order.</summary>
    public static readonly IReadOnlyList<string> AddressColumns =
        ["name", "postal_code", "region", "city", "address_line1", "address_line2", "country"];

    private static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true);

    /// <summary>
    /// The column order for a batch: the address columns, then <paramref name="fieldColumns"/> if given,
    /// else every message field of the batch in ordinal order.
    /// </summary>
    public static IReadOnlyList<string> Columns(IEnumerable<PostcardRow> rows, IReadOnlyList<string>? fieldColumns = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var fields = fieldColumns ?? rows.SelectMany(r => r.Fields.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var clash = fields.FirstOrDefault(f => AddressColumns.Contains(f, StringComparer.Ordinal));
        if (clash is not null)
        {
            throw new ArgumentException($"The message field '{clash}' has the name of an address column.", nameof(fieldColumns));
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
        AppendRow(builder, columns);
        foreach (var row in rows)
        {
            ArgumentNullException.ThrowIfNull(row);
            var values = new List<string?>(columns.Count)
            {
                row.Name, row.PostalCode, row.Region, row.City, row.AddressLine1, row.AddressLine2, row.Country,
            };
            values.AddRange(columns.Skip(AddressColumns.Count).Select(c => row.Fields.GetValueOrDefault(c)));
            AppendRow(builder, values);
        }

        return builder.ToString();
    }

    /// <summary>Quotes a field when RFC 4180 requires it (comma, quote, CR or LF), doubling inner quotes.</summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    private static void AppendRow(StringBuilder builder, IEnumerable<string?> values)
    {
        var first = true;
        foreach (var value in values)
        {
            if (!first)
            {
                builder.Append(',');
            }

            builder.Append(Escape(value));
            first = false;
        }

        builder.Append("\r\n");
    }
}
