namespace ScenarioEngine.Api.Endpoints;

/// <summary>
/// A customer id as the API accepts it: 1 to 256 characters, none of / \ # ? or control characters (it is the customer's
/// table partition key, and Table Storage forbids those).
/// </summary>
public readonly record struct CustomerId
{
    private CustomerId(string value) => Value = value;

    /// <summary>The id.</summary>
    public string Value { get; }

    /// <summary>Parses an id; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out CustomerId id, out string error)
    {
        id = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "expected a non-empty customer id";
            return false;
        }

        if (text.Length > 256)
        {
            error = "a customer id holds at most 256 characters";
            return false;
        }

        if (!Runtime.Storage.TableKeys.HasAllowedCharacters(text))
        {
            error = "a customer id may not contain / \\ # ? or control characters";
            return false;
        }

        id = new CustomerId(text);
        error = "";
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>A journey or message id, as the journey language accepts it: letters, digits, '-', '_' or '.', at most 100.</summary>
public static class DocumentId
{
    /// <summary>True when <paramref name="id"/> is a valid id.</summary>
    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 100 && char.IsAsciiLetterOrDigit(id[0]) &&
        id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
