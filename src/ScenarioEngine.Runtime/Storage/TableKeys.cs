using System.Buffers;

namespace ScenarioEngine.Runtime.Storage;

/// <summary>Table Storage's rule for partition and row keys, shared by both providers and everything that makes keys from input.</summary>
public static class TableKeys
{
    /// <summary>The longest key the providers accept: Table Storage allows 1 KiB of UTF-16, 512 characters (Azurite enforces the same).</summary>
    public const int MaxLength = 512;

    // / \ # ? and the control characters (char.IsControl: U+0000 to U+001F and U+007F to U+009F).
    private static readonly SearchValues<char> Forbidden = SearchValues.Create(
        "/\\#?" + new string([.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c)]));

    /// <summary>True when <paramref name="text"/> holds none of / \ # ? or control characters (its length is not checked).</summary>
    public static bool HasAllowedCharacters(ReadOnlySpan<char> text) => !text.ContainsAny(Forbidden);

    /// <summary>Throws <see cref="ArgumentException"/> unless the key has at most <paramref name="maxLength"/> characters, all allowed.</summary>
    public static void Validate(string key, string paramName, int maxLength = MaxLength)
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        if (key.Length > maxLength || !HasAllowedCharacters(key))
        {
            throw new ArgumentException($"A table key may hold at most {maxLength} characters and no '/', '\\', '#', '?' or control characters: '{key}'.", paramName);
        }
    }
}
