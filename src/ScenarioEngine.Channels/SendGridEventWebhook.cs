using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ScenarioEngine.Channels;

/// <summary>Settings of a <see cref="SendGridEventWebhook"/>.</summary>
public sealed class SendGridEventWebhookOptions
{
    /// <summary>The verification key from SendGrid's Mail Settings: a base64 DER (SubjectPublicKeyInfo) ECDSA P-256 public key; PEM is accepted too.</summary>
    public required string VerificationKey { get; set; }

    /// <summary>How far the signed timestamp may be from now, either way. Defaults to 5 minutes.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>How far an email event takes the customer out of email.</summary>
public enum EmailSuppressionScope
{
    /// <summary>No suppression.</summary>
    None,

    /// <summary>Stop all marketing email to the customer (hard bounce, spam report, global unsubscribe).</summary>
    AllEmail,

    /// <summary>Stop email of the SendGrid unsubscribe group in <see cref="EmailEvent.AsmGroupId"/>.</summary>
    AsmGroup,
}

/// <summary>One event from SendGrid's Event Webhook, mapped to the engine's vocabulary.</summary>
public sealed record EmailEvent
{
    /// <summary>SendGrid's event type as sent (<c>delivered</c>, <c>bounce</c>, ...).</summary>
    public required string SendGridEvent { get; init; }

    /// <summary>The engine event name (<c>email.delivered</c>, ...), or null for events the engine does not track (processed, deferred).</summary>
    public string? EngineEvent { get; init; }

    /// <summary>The recipient address.</summary>
    public string? Email { get; init; }

    /// <summary>When the event happened.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>SendGrid's unique event id: the caller de-duplicates on it (SendGrid may post an event more than once).</summary>
    public string? SgEventId { get; init; }

    /// <summary>SendGrid's message id; it starts with the <c>X-Message-Id</c> returned by Mail Send.</summary>
    public string? SgMessageId { get; init; }

    /// <summary>The custom args sent with the message (outbox_id, customer_id, ...).</summary>
    public IReadOnlyDictionary<string, string> CustomArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>The message's categories.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Why a message bounced or was dropped.</summary>
    public string? Reason { get; init; }

    /// <summary>The bounce type: <c>bounce</c> (hard) or <c>blocked</c> (a temporary refusal).</summary>
    public string? BounceType { get; init; }

    /// <summary>The clicked link, for click events.</summary>
    public string? Url { get; init; }

    /// <summary>The unsubscribe group, for group unsubscribes and messages sent with one.</summary>
    public int? AsmGroupId { get; init; }

    /// <summary>Whether, and how widely, the event must stop email to this customer.</summary>
    public EmailSuppressionScope Suppression { get; init; }

    /// <summary>True when the event must suppress email for the customer.</summary>
    public bool SuppressesEmail => Suppression != EmailSuppressionScope.None;

    /// <summary>The <c>outbox_id</c> custom arg, if present.</summary>
    public string? OutboxId => CustomArgs.GetValueOrDefault("outbox_id");

    /// <summary>The <c>customer_id</c> custom arg, if present.</summary>
    public string? CustomerId => CustomArgs.GetValueOrDefault("customer_id");
}

/// <summary>Verifies and parses posts from SendGrid's signed Event Webhook.</summary>
/// <remarks>The signature is ECDSA P-256 / SHA-256 over the timestamp header followed by the raw body bytes.</remarks>
public sealed class SendGridEventWebhook
{
    /// <summary>The header carrying the base64 DER ECDSA signature.</summary>
    public const string SignatureHeader = "X-Twilio-Email-Event-Webhook-Signature";

    /// <summary>The header carrying the signed Unix timestamp.</summary>
    public const string TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";

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

    private readonly byte[] _publicKey;
    private readonly TimeSpan _tolerance;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a verifier for one SendGrid verification key.</summary>
    /// <exception cref="ArgumentException">The key is not a P-256 ECDSA public key.</exception>
    public SendGridEventWebhook(SendGridEventWebhookOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TimestampTolerance, TimeSpan.Zero);
        _publicKey = ParsePublicKey(options.VerificationKey);
        _tolerance = options.TimestampTolerance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Checks the signature over the raw request body exactly as received.</summary>
    public WebhookSignatureStatus Verify(string? signature, string? timestamp, ReadOnlySpan<byte> rawBody)
    {
        if (string.IsNullOrWhiteSpace(signature) || string.IsNullOrWhiteSpace(timestamp))
        {
            return WebhookSignatureStatus.Missing;
        }

        timestamp = timestamp.Trim();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return WebhookSignatureStatus.Malformed;
        }

        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromBase64String(signature.Trim());
        }
        catch (FormatException)
        {
            return WebhookSignatureStatus.Malformed;
        }

        var signed = new byte[Encoding.UTF8.GetByteCount(timestamp) + rawBody.Length];
        var written = Encoding.UTF8.GetBytes(timestamp, signed);
        rawBody.CopyTo(signed.AsSpan(written));
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(_publicKey, out _);
        // SendGrid signs with ASN.1 DER signatures; accept the raw r||s form too.
        var valid = ecdsa.VerifyData(signed, signatureBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
            || (signatureBytes.Length == 64 && ecdsa.VerifyData(signed, signatureBytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        if (!valid)
        {
            return WebhookSignatureStatus.Invalid;
        }

        // Check the age only after the signature, so a forged timestamp cannot be told apart from a stale one.
        var age = _timeProvider.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        return age.Duration() > _tolerance ? WebhookSignatureStatus.Stale : WebhookSignatureStatus.Valid;
    }

    /// <summary>Checks the signature over a body that was read as UTF-8 text without any change.</summary>
    public WebhookSignatureStatus Verify(string? signature, string? timestamp, string rawBody)
    {
        ArgumentNullException.ThrowIfNull(rawBody);
        return Verify(signature, timestamp, Encoding.UTF8.GetBytes(rawBody));
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

    private static byte[] ParsePublicKey(string key)
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

            return der;
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new ArgumentException("The verification key is not a base64 DER ECDSA public key.", nameof(key), ex);
        }
    }
}
