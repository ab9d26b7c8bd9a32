using System.Globalization;

namespace ScenarioEngine.Analytics;

/// <summary>The two layouts of the CDNOW purchase files.</summary>
public enum CdnowFormat
{
    /// <summary><c>customer_id date number_of_cds dollar_value</c>, with a header line (CDNOW_master.txt).</summary>
    Master,

    /// <summary><c>master_id sample_id date cds value</c>, no header (CDNOW_sample.txt).</summary>
    Sample,
}

/// <summary>Parses the CDNOW purchase files (space-separated columns, dates as yyyyMMdd) into purchases.</summary>
/// <remarks>
/// Columns are separated by runs of spaces or tabs; blank lines are skipped; ids keep their leading zeros.
/// Dates become midnight UTC. In the sample layout the master id is the customer id, so sample customers
/// join the master file; the sample id is checked but not kept. Purchases are yielded lazily, and a bad
/// line throws <see cref="PurchaseParseException"/> when enumeration reaches it.
/// </remarks>
public static class CdnowReader
{
    private static readonly string[] _masterHeader = ["customer_id", "date", "number_of_cds", "dollar_value"];
    private static readonly string[] _sampleHeader = ["master_id", "sample_id", "date", "cds", "value"];

    /// <summary>Reads either layout, detected from the first non-blank line (a master header, or four or five columns).</summary>
    public static IEnumerable<Purchase> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadCore(reader, format: null);
    }

    /// <summary>Reads the given layout; a header line matching the layout's column names is skipped if present.</summary>
    public static IEnumerable<Purchase> Read(TextReader reader, CdnowFormat format)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown CDNOW format.");
        }

        return ReadCore(reader, format);
    }

    private static IEnumerable<Purchase> ReadCore(TextReader reader, CdnowFormat? format)
    {
        var parser = new LineParser(format);
        var lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (parser.Parse(line, lineNumber) is { } purchase)
            {
                yield return purchase;
            }
        }
    }

    /// <summary>Per-read state: the detected layout and the shared id strings.</summary>
    private sealed class LineParser(CdnowFormat? format)
    {
        // Ids repeat on every line of a customer; share one string instance per id.
        private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);
        private CdnowFormat? _format = format;
        private bool _seenData;

        public Purchase? Parse(string line, int lineNumber)
        {
            var text = line.AsSpan().Trim();
            if (text.IsEmpty)
            {
                return null;
            }

            Span<Range> fields = stackalloc Range[6];
            var count = text.SplitAny(fields, " \t", StringSplitOptions.RemoveEmptyEntries);

            if (!_seenData)
            {
                _seenData = true;
                if (IsHeader(text, fields[..count], _format, out var headerFormat))
                {
                    _format = headerFormat;
                    return null;
                }

                _format ??= count switch
                {
                    4 => CdnowFormat.Master,
                    5 => CdnowFormat.Sample,
                    _ => throw new PurchaseParseException(lineNumber, $"expected 4 (master) or 5 (sample) columns, found {count}."),
                };
            }

            return ParseLine(text, fields, count, _format!.Value, lineNumber, _ids.GetAlternateLookup<ReadOnlySpan<char>>());
        }
    }

    private static bool IsHeader(ReadOnlySpan<char> text, ReadOnlySpan<Range> fields, CdnowFormat? format, out CdnowFormat headerFormat)
    {
        headerFormat = default;
        foreach (var (candidate, names) in new[] { (CdnowFormat.Master, _masterHeader), (CdnowFormat.Sample, _sampleHeader) })
        {
            if (format is not null && format != candidate)
            {
                continue;
            }

            if (fields.Length != names.Length)
            {
                continue;
            }

            var matches = true;
            for (var i = 0; i < names.Length && matches; i++)
            {
                matches = text[fields[i]].Equals(names[i], StringComparison.OrdinalIgnoreCase);
            }

            if (matches)
            {
                headerFormat = candidate;
                return true;
            }
        }

        return false;
    }

    private static Purchase ParseLine(
        ReadOnlySpan<char> text,
        ReadOnlySpan<Range> fields,
        int count,
        CdnowFormat format,
        int lineNumber,
        Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> idLookup)
    {
        var expected = format == CdnowFormat.Master ? 4 : 5;
        if (count != expected)
        {
            throw new PurchaseParseException(
                lineNumber,
                $"expected {expected} columns for the CDNOW {format.ToString().ToLowerInvariant()} format, found {(count >= 6 ? "6 or more" : count.ToString(CultureInfo.InvariantCulture))}.");
        }

        var offset = format == CdnowFormat.Master ? 0 : 1;
        var id = text[fields[0]];
        RequireDigits(id, "customer id", lineNumber);
        if (format == CdnowFormat.Sample)
        {
            RequireDigits(text[fields[1]], "sample id", lineNumber);
        }

        var dateText = text[fields[1 + offset]];
        if (!DateOnly.TryParseExact(dateText, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new PurchaseParseException(lineNumber, $"date '{dateText}' is not a valid yyyyMMdd date.");
        }

        var quantityText = text[fields[2 + offset]];
        if (!int.TryParse(quantityText, NumberStyles.None, CultureInfo.InvariantCulture, out var quantity))
        {
            throw new PurchaseParseException(lineNumber, $"number of CDs '{quantityText}' is not a non-negative whole number.");
        }

        var amountText = text[fields[3 + offset]];
        if (!decimal.TryParse(amountText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            throw new PurchaseParseException(lineNumber, $"dollar value '{amountText}' is not a non-negative decimal number.");
        }

        if (!idLookup.TryGetValue(id, out var customerId))
        {
            customerId = id.ToString();
            idLookup[id] = customerId;
        }

        return new Purchase(customerId, new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), quantity, amount);
    }

    private static void RequireDigits(ReadOnlySpan<char> value, string what, int lineNumber)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                throw new PurchaseParseException(lineNumber, $"{what} '{value}' must be digits only.");
            }
        }
    }
}
