using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScenarioEngine.Analytics;

/// <summary>Parses JSON-lines purchases, one object per line: <c>{"customerId":"c1","at":"2026-01-01T10:00:00Z","quantity":1,"amount":12.5}</c>.</summary>
/// <remarks>
/// Property names are camelCase; unknown properties are ignored; blank lines are skipped. All four
/// properties are required, <c>at</c> must be ISO 8601 with an offset, and quantity and amount must
/// not be negative. A bad line throws <see cref="PurchaseParseException"/> when enumeration reaches it.
/// </remarks>
public static class JsonLinesPurchaseReader
{
    /// <summary>Reads purchases lazily from the reader, one JSON object per non-blank line.</summary>
    public static IEnumerable<Purchase> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadCore(reader);
    }

    /// <summary>Parses one JSON object into a purchase; <paramref name="lineNumber"/> is used in error messages.</summary>
    public static Purchase ParseLine(string line, int lineNumber = 1)
    {
        ArgumentNullException.ThrowIfNull(line);
        PurchaseLine? dto;
        try
        {
            dto = JsonSerializer.Deserialize(line, PurchaseJsonContext.Default.PurchaseLine);
        }
        catch (JsonException ex)
        {
            throw new PurchaseParseException(lineNumber, $"invalid JSON: {ex.Message}", ex);
        }

        if (dto is null)
        {
            throw new PurchaseParseException(lineNumber, "expected a JSON object, found null.");
        }

        if (string.IsNullOrWhiteSpace(dto.CustomerId))
        {
            throw new PurchaseParseException(lineNumber, "'customerId' is missing or empty.");
        }

        if (dto.At is not { } at)
        {
            throw new PurchaseParseException(lineNumber, "'at' is missing.");
        }

        if (dto.Quantity is not { } quantity || quantity < 0)
        {
            throw new PurchaseParseException(lineNumber, "'quantity' is missing or negative.");
        }

        if (dto.Amount is not { } amount || amount < 0m)
        {
            throw new PurchaseParseException(lineNumber, "'amount' is missing or negative.");
        }

        return new Purchase(dto.CustomerId, at, quantity, amount);
    }

    private static IEnumerable<Purchase> ReadCore(TextReader reader)
    {
        var lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return ParseLine(line, lineNumber);
            }
        }
    }
}

/// <summary>Wire shape of one JSON-lines purchase; every member is nullable so missing fields are reported, not defaulted.</summary>
internal sealed class PurchaseLine
{
    public string? CustomerId { get; set; }

    public DateTimeOffset? At { get; set; }

    public int? Quantity { get; set; }

    public decimal? Amount { get; set; }
}

/// <summary>Source-generated serializer metadata, so the reader needs no reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PurchaseLine))]
internal sealed partial class PurchaseJsonContext : JsonSerializerContext;
