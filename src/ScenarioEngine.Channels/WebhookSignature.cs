using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ScenarioEngine.Channels;

/// <summary>
/// Signs and verifies <c>X-ScenarioEngine-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The signature header name.</summary>
    public const string HeaderName = "X-ScenarioEngine-Signature";

    /// <summary>The idempotency key header name; receivers de-duplicate on it.</summary>
    public const string IdempotencyKeyHeaderName = "X-ScenarioEngine-Idempotency-Key";

    /// <summary>The default tolerance for the signed timestamp.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Builds the header value for <paramref name="body"/> signed at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, string body, DateTimeOffset timestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(body);
        var seconds = timestamp.ToUnixTimeSeconds();
        return $"t={seconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Mac(secret, seconds, Encoding.UTF8.GetBytes(body)))}";
    }

    /// <summary>Verifies a header against the raw body, at <paramref name="now"/>, allowing <paramref name="tolerance"/> of clock difference.</summary>
    /// <remarks>Several <c>v1=</c> entries are allowed (a sender rotating secrets); one match suffices.</remarks>
    public static WebhookSignatureStatus Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrWhiteSpace(header))
        {
            return WebhookSignatureStatus.Missing;
        }

        long? seconds = null;
        var candidates = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                return WebhookSignatureStatus.Malformed;
            }

            var key = part[..equals];
            var value = part[(equals + 1)..];
            if (key == "t")
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || seconds is not null)
                {
                    return WebhookSignatureStatus.Malformed;
                }

                seconds = parsed;
            }
            else if (key == "v1")
            {
                if (value.Length != 64 || !value.All(char.IsAsciiHexDigit))
                {
                    return WebhookSignatureStatus.Malformed;
                }

                candidates.Add(Convert.FromHexString(value));
            }
        }

        if (seconds is null || candidates.Count == 0)
        {
            return WebhookSignatureStatus.Malformed;
        }

        var expected = Mac(secret, seconds.Value, body);
        if (!candidates.Any(candidate => CryptographicOperations.FixedTimeEquals(candidate, expected)))
        {
            return WebhookSignatureStatus.Invalid;
        }

        if (seconds.Value > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return WebhookSignatureStatus.Stale;
        }

        return (now - DateTimeOffset.FromUnixTimeSeconds(seconds.Value)).Duration() > tolerance
            ? WebhookSignatureStatus.Stale
            : WebhookSignatureStatus.Valid;
    }

    /// <summary>Verifies a header against a body received as UTF-8 text.</summary>
    public static WebhookSignatureStatus Verify(string secret, string? header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Verify(secret, header, Encoding.UTF8.GetBytes(body), now, tolerance);
    }

    private static byte[] Mac(string secret, long seconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(seconds.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }
}
