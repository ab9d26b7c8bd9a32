using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EllipticCurve;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SendGrid.Helpers.EventWebhook;

namespace ScenarioEngine.Channels;

/// <summary>Verifies and parses posts from SendGrid's signed Event Webhook.</summary>
/// <remarks>
/// The signature (ECDSA P-256 / SHA-256 over the timestamp header followed by the body) is checked by the SendGrid SDK's
/// <see cref="RequestValidator"/>; this class adds what the SDK leaves to the caller: missing and unreadable headers,
/// the age of the timestamp (replays), and a key check at start. What the events mean to the engine is ours too.
/// </remarks>
public sealed class SendGridEventWebhook
{
    /// <summary>The header carrying the base64 DER ECDSA signature.</summary>
    public const string SignatureHeader = RequestValidator.SIGNATURE_HEADER;

    /// <summary>The header carrying the signed Unix timestamp.</summary>
    public const string TimestampHeader = RequestValidator.TIMESTAMP_HEADER;

    /// <summary>How far the signed timestamp may be from now, either way, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimestampTolerance = TimeSpan.FromMinutes(5);

    private static readonly Dictionary<string, string> EngineEvents = new(StringComparer.Ordinal)
    {
        ["delivered"] = "email.delivered",
        ["open"] = "email.opened",
        ["click"] = "email.clicked",
        ["bounce"] = "email.bounced",
        ["dropped"] = "email.dropped",
        ["spamreport"] = "email.spamreport",
        ["unsubscribe"] = "email.unsubscribed",
        ["group_unsubscribe"] = "email.group_unsubscribed",
    };

    // Event fields SendGrid defines; every other top-level field is a custom arg.
    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "email", "timestamp", "smtp-id", "event", "category", "sg_event_id", "sg_message_id", "reason", "status",
        "response", "attempt", "useragent", "ip", "url", "url_offset", "asm_group_id", "type", "bounce_classification",
        "tls", "cert_err", "sg_machine_open", "sg_content_type", "marketing_campaign_id", "marketing_campaign_name",
        "marketing_campaign_version", "marketing_campaign_split_id", "pool", "sg_template_id", "sg_template_name",
        "send_at", "singlesend_id", "singlesend_name", "template_id", "mc_stats", "phase_id", "post_type",
        "unique_args", "custom_args", "newsletter",
    };

    private static readonly RequestValidator Validator = new();

    private readonly PublicKey _publicKey;
    private readonly TimeSpan _tolerance;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates a verifier for one SendGrid verification key.</summary>
    /// <param name="verificationKey">The key from SendGrid's Mail Settings: base64 DER (SubjectPublicKeyInfo) or PEM, ECDSA P-256.</param>
    /// <param name="timeProvider">The clock the timestamp's age is measured by; the system clock when null.</param>
    /// <param name="logger">Where refused posts are logged; nothing is logged when null.</param>
    /// <param name="timestampTolerance">How far the signed timestamp may be from now; <see cref="DefaultTimestampTolerance"/> when null.</param>
    /// <exception cref="ArgumentException">The key is not a P-256 ECDSA public key.</exception>
    public SendGridEventWebhook(string verificationKey, TimeProvider? timeProvider = null, ILogger? logger = null, TimeSpan? timestampTolerance = null)
    {
        _tolerance = timestampTolerance ?? DefaultTimestampTolerance;
        ArgumentOutOfRangeException.ThrowIfLessThan(_tolerance, TimeSpan.Zero);
        _publicKey = ParsePublicKey(verificationKey);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>True when <paramref name="verificationKey"/> is a key this verifier accepts.</summary>
    public static bool IsValidKey(string? verificationKey)
    {
        try
        {
            _ = ParsePublicKey(verificationKey);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Checks the signature over the raw request body exactly as received.</summary>
    /// <remarks>The SDK verifies over text, so the body is read as UTF-8; SendGrid posts UTF-8 JSON.</remarks>
    public WebhookSignatureStatus Verify(string? signature, string? timestamp, ReadOnlySpan<byte> rawBody) =>
        Verify(signature, timestamp, Encoding.UTF8.GetString(rawBody));

    /// <summary>Checks the signature over a body that was read as UTF-8 text without any change.</summary>
    public WebhookSignatureStatus Verify(string? signature, string? timestamp, string rawBody)
    {
        ArgumentNullException.ThrowIfNull(rawBody);
        var status = Check(signature, timestamp, rawBody);
        if (status != WebhookSignatureStatus.Valid)
        {
            Log.WebhookSignatureRefused(_logger, status);
        }

        return status;
    }

    private WebhookSignatureStatus Check(string? signature, string? timestamp, string rawBody)
    {
        if (string.IsNullOrWhiteSpace(signature) || string.IsNullOrWhiteSpace(timestamp))
        {
            return WebhookSignatureStatus.Missing;
        }

        timestamp = timestamp.Trim();
        signature = signature.Trim();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || !IsBase64(signature))
        {
            return WebhookSignatureStatus.Malformed;
        }

        bool valid;
        try
        {
            valid = Validator.VerifySignature(_publicKey, rawBody, signature, timestamp);
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // The SDK could not read the signature as a DER ECDSA signature.
            return WebhookSignatureStatus.Malformed;
        }

        if (!valid)
        {
            return WebhookSignatureStatus.Invalid;
        }

        // Check the age only after the signature, so a forged timestamp cannot be told apart from a stale one.
        var age = _timeProvider.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        return age.Duration() > _tolerance ? WebhookSignatureStatus.Stale : WebhookSignatureStatus.Valid;
    }

    /// <summary>Parses the JSON array of events; events without an <c>event</c> field are skipped.</summary>
    /// <exception cref="JsonException">The body is not a JSON array.</exception>
    public static IReadOnlyList<EmailEvent> ParseEvents(ReadOnlySpan<byte> rawBody)
    {
        var reader = new Utf8JsonReader(rawBody);
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("The SendGrid Event Webhook body must be a JSON array.");
        }

        var events = new List<EmailEvent>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && Text(item, "event") is { } type)
            {
                events.Add(ParseEvent(item, type));
            }
        }

        return events;
    }

    /// <summary>Parses the JSON array of events from text.</summary>
    public static IReadOnlyList<EmailEvent> ParseEvents(string rawBody)
    {
        ArgumentNullException.ThrowIfNull(rawBody);
        return ParseEvents(Encoding.UTF8.GetBytes(rawBody));
    }

    /// <summary>The engine event name for a SendGrid event type, or null when the engine does not track it.</summary>
    public static string? MapEventName(string sendGridEvent) => EngineEvents.GetValueOrDefault(sendGridEvent);

    private static EmailEvent ParseEvent(JsonElement item, string type)
    {
        var customArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in item.EnumerateObject())
        {
            if (property.Name is "unique_args" or "custom_args" && property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var nested in property.Value.EnumerateObject())
                {
                    AddArg(customArgs, nested);
                }
            }
            else if (!KnownFields.Contains(property.Name))
            {
                AddArg(customArgs, property);
            }
        }

        var categories = item.TryGetProperty("category", out var category)
            ? category.ValueKind switch
            {
                JsonValueKind.String => [category.GetString()!],
                JsonValueKind.Array => category.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!).ToList(),
                _ => (IReadOnlyList<string>)[],
            }
            : [];

        var reason = Text(item, "reason");
        var bounceType = Text(item, "type");
        var asmGroupId = item.TryGetProperty("asm_group_id", out var group) && group.ValueKind == JsonValueKind.Number && group.TryGetInt32(out var id)
            ? id
            : (int?)null;
        var timestamp = item.TryGetProperty("timestamp", out var ts) && ts.ValueKind == JsonValueKind.Number && ts.TryGetInt64(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : default;

        return new EmailEvent
        {
            SendGridEvent = type,
            EngineEvent = MapEventName(type),
            Email = Text(item, "email"),
            Timestamp = timestamp,
            SgEventId = Text(item, "sg_event_id"),
            SgMessageId = Text(item, "sg_message_id"),
            CustomArgs = customArgs,
            Categories = categories,
            Reason = reason,
            BounceType = bounceType,
            Url = Text(item, "url"),
            AsmGroupId = asmGroupId,
            Suppression = SuppressionFor(type, reason, bounceType, asmGroupId),
        };
    }

    private static EmailSuppressionScope SuppressionFor(string type, string? reason, string? bounceType, int? asmGroupId)
    {
        switch (type)
        {
            case "bounce":
                // A "blocked" bounce is a temporary refusal by the receiving server, not a dead address.
                return string.Equals(bounceType, "blocked", StringComparison.OrdinalIgnoreCase)
                    ? EmailSuppressionScope.None
                    : EmailSuppressionScope.AllEmail;
            case "spamreport" or "unsubscribe":
                return EmailSuppressionScope.AllEmail;
            case "group_unsubscribe":
                return asmGroupId is null ? EmailSuppressionScope.AllEmail : EmailSuppressionScope.AsmGroup;
            case "dropped" when reason is not null:
                // Only drops caused by the address's own history: "Bounced Address", "Unsubscribed Address",
                // "Spam Reporting Address". "Spam Content" and "Invalid SMTPAPI header" are about the message.
                if (reason.Contains("bounced", StringComparison.OrdinalIgnoreCase)
                    || reason.Contains("spam reporting", StringComparison.OrdinalIgnoreCase))
                {
                    return EmailSuppressionScope.AllEmail;
                }

                if (reason.Contains("unsubscribed", StringComparison.OrdinalIgnoreCase))
                {
                    return asmGroupId is null ? EmailSuppressionScope.AllEmail : EmailSuppressionScope.AsmGroup;
                }

                return EmailSuppressionScope.None;
            default:
                return EmailSuppressionScope.None;
        }
    }

    private static void AddArg(Dictionary<string, string> args, JsonProperty property)
    {
        var value = property.Value.ValueKind switch
        {
            JsonValueKind.String => property.Value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
            _ => null,
        };
        if (value is not null)
        {
            args[property.Name] = value;
        }
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    /// <summary>Checks with the BCL that the key is a P-256 public key (the SDK's parser accepts any curve), then hands it to the SDK.</summary>
    private static PublicKey ParsePublicKey(string? key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var base64 = string.Concat(key.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith("-----", StringComparison.Ordinal)));
        try
        {
            var der = Convert.FromBase64String(base64);
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(der, out _);
            if (ecdsa.KeySize != 256)
            {
                throw new ArgumentException($"The verification key is a {ecdsa.KeySize}-bit curve; SendGrid uses P-256.", nameof(key));
            }

            return Validator.ConvertPublicKeyToECDSA(base64);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new ArgumentException("The verification key is not a base64 DER ECDSA public key.", nameof(key), ex);
        }
    }
}
