using System.Buffers;
using System.Text;

namespace ScenarioEngine.Runtime.Export;

/// <summary>
/// Formats the cells of every CSV the engine writes (RFC 4180), neutralising spreadsheet formulas as OWASP recommends against
/// CSV injection: a cell starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return gets a leading single
/// quote, so Excel, LibreOffice and Google Sheets show it as text instead of evaluating it. Every column the engine writes is
/// text (names, addresses, ids, hashes), so every cell is neutralised; there is no numeric column to exempt.
/// </summary>
public static class CsvFormat
{
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@\t\r");
    private static readonly SearchValues<char> NeedQuotes = SearchValues.Create(",\"\r\n");

    /// <summary>A text cell: neutralised when it starts like a formula, quoted when it holds a comma, quote, CR or LF (inner quotes doubled).</summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var cell = FormulaStarts.Contains(value[0]) ? "'" + value : value;
        return cell.AsSpan().ContainsAny(NeedQuotes)
            ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : cell;
    }

    /// <summary>Appends one row of text cells and the line end.</summary>
    public static void AppendRow(StringBuilder builder, IEnumerable<string?> values, string lineEnd = "\r\n")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(values);
        var first = true;
        foreach (var value in values)
        {
            if (!first)
            {
                builder.Append(',');
            }

            builder.Append(Text(value));
            first = false;
        }

        builder.Append(lineEnd);
    }

    /// <summary>One row of text cells with its line end.</summary>
    public static string Row(IEnumerable<string?> values, string lineEnd = "\r\n")
    {
        var builder = new StringBuilder();
        AppendRow(builder, values, lineEnd);
        return builder.ToString();
    }
}
