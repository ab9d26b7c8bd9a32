using System.Text.Json;

namespace ScenarioEngine.Core.Language;

/// <summary>
/// Finds text that JSON allows but a .NET string cannot hold: a <c>\uD800</c>-<c>\uDFFF</c> escape without its pair (a lone
/// surrogate), in a string value or a property name. System.Text.Json parses such a document and throws only when the text is read,
/// so a document is checked once, up front, and refused with the path of the bad text.
/// </summary>
public static class JsonUnicode
{
    /// <summary>The first lone-surrogate escape under <paramref name="root"/>, as a validation error; null when there is none.</summary>
    public static ValidationError? FindLoneSurrogate(JsonElement root, string path = "$")
    {
        switch (root.ValueKind)
        {
            case JsonValueKind.String:
                return IsReadable(root) ? null : Error(path);

            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in root.EnumerateArray())
                {
                    if (FindLoneSurrogate(item, $"{path}[{i++}]") is { } error)
                    {
                        return error;
                    }
                }

                return null;

            case JsonValueKind.Object:
                var index = 0;
                foreach (var property in root.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return new ValidationError($"{path} (property {index})", "a property name holds a \\u escape of half a surrogate pair: expected valid Unicode text");
                    }

                    if (FindLoneSurrogate(property.Value, JsonWalker.Child(path, name)) is { } error)
                    {
                        return error;
                    }

                    index++;
                }

                return null;

            default:
                return null;
        }
    }

    private static bool IsReadable(JsonElement text)
    {
        try
        {
            _ = text.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static ValidationError Error(string path) => new(path, "holds a \\u escape of half a surrogate pair (such as \\uD800 alone): expected valid Unicode text");
}
