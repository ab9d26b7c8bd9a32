using System.Security.Cryptography;
using System.Text;

namespace ScenarioEngine.Channels;

/// <summary>
/// A LINE <c>X-Line-Retry-Key</c>: a UUID derived from the engine's idempotency key (name-based, version 5), so
/// every retry of one send carries the same key and LINE accepts the push at most once.
/// </summary>
/// <param name="Value">The UUID.</param>
public readonly record struct LineRetryKey(Guid Value)
{
    // A fixed namespace for ScenarioEngine's LINE retry keys; changing it would change every key.
    private static readonly Guid Namespace = new("5c0e7a4e-2b1d-4f43-9a7c-3e8f1d6b2a90");

    /// <summary>The stable retry key for an idempotency key (the same input always gives the same UUID).</summary>
    public static LineRetryKey From(string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        return new LineRetryKey(NameBasedUuid(Namespace, idempotencyKey));
    }

    /// <summary>An RFC 9562 version 5 UUID: SHA-1 of the namespace and the UTF-8 name.</summary>
    public static Guid NameBasedUuid(Guid namespaceId, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 prescribes for v5; this is an identifier, not a security use.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>The hyphenated lowercase form LINE expects.</summary>
    public override string ToString() => Value.ToString("D");
}
