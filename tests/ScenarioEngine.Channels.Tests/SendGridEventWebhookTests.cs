using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ScenarioEngine.Channels.Tests;

public sealed class SendGridEventWebhookTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ManualTimeProvider _time = new(Now);

    private const string Payload =
        """[{"email":"yamada@example.jp","timestamp":1740819500,"event":"delivered","sg_event_id":"ZGVsaXZlcmVk","sg_message_id":"msg-abc123.filter0001.16648.5515E0B88.0","category":["journey:post-purchase","step:thanks"],"outbox_id":"ob-1","customer_id":"c-1","response":"250 OK"}]""";

    public void Dispose() => _key.Dispose();

    private string PublicKey => Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());

    private SendGridEventWebhook Webhook(string? publicKey = null, TimeSpan? tolerance = null, ListLogger? logger = null) =>
        new(publicKey ?? PublicKey, _time, logger, tolerance);

    private static string Sign(ECDsa key, string timestamp, string payload) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(timestamp + payload), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    private static string Timestamp(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Verify_ValidSignature_ReturnsValid()
    {
        var timestamp = Timestamp(Now.AddSeconds(-30));

        var status = Webhook().Verify(Sign(_key, timestamp, Payload), timestamp, Encoding.UTF8.GetBytes(Payload));

        Assert.Equal(WebhookSignatureStatus.Valid, status);
    }

    [Fact]
    public void Verify_ForgedPayload_ReturnsInvalid()
    {
        var timestamp = Timestamp(Now);
        var signature = Sign(_key, timestamp, Payload);
        var forged = Payload.Replace("\"delivered\"", "\"spamreport\"", StringComparison.Ordinal);

        Assert.Equal(WebhookSignatureStatus.Invalid, Webhook().Verify(signature, timestamp, forged));
    }

    [Fact]
    public void Verify_ForgedTimestamp_ReturnsInvalid()
    {
        var signature = Sign(_key, Timestamp(Now.AddHours(-1)), Payload);

        Assert.Equal(WebhookSignatureStatus.Invalid, Webhook().Verify(signature, Timestamp(Now), Payload));
    }

    [Fact]
    public void Verify_SignedWithAnotherKey_ReturnsInvalid()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var timestamp = Timestamp(Now);

        Assert.Equal(WebhookSignatureStatus.Invalid, Webhook().Verify(Sign(other, timestamp, Payload), timestamp, Payload));
    }

    [Fact]
    public void Verify_TimestampOlderThanTolerance_ReturnsStale()
    {
        var timestamp = Timestamp(Now.AddMinutes(-6));

        Assert.Equal(WebhookSignatureStatus.Stale, Webhook().Verify(Sign(_key, timestamp, Payload), timestamp, Payload));
    }

    [Fact]
    public void Verify_TimestampFarInTheFuture_ReturnsStale()
    {
        var timestamp = Timestamp(Now.AddMinutes(10));

        Assert.Equal(WebhookSignatureStatus.Stale, Webhook().Verify(Sign(_key, timestamp, Payload), timestamp, Payload));
    }

    [Fact]
    public void Verify_ConfiguredTolerance_IsHonoured()
    {
        var timestamp = Timestamp(Now.AddMinutes(-20));
        var signature = Sign(_key, timestamp, Payload);

        Assert.Equal(WebhookSignatureStatus.Valid, Webhook(tolerance: TimeSpan.FromMinutes(30)).Verify(signature, timestamp, Payload));
        Assert.Equal(WebhookSignatureStatus.Stale, Webhook(tolerance: TimeSpan.FromMinutes(10)).Verify(signature, timestamp, Payload));
    }

    [Theory]
    [InlineData(null, "1740819600")]
    [InlineData("MEUCIQ==", null)]
    [InlineData("", "")]
    public void Verify_MissingHeader_ReturnsMissing(string? signature, string? timestamp)
    {
        Assert.Equal(WebhookSignatureStatus.Missing, Webhook().Verify(signature, timestamp, Payload));
    }

    [Theory]
    [InlineData("not base64!!", "1740819600")]
    [InlineData("MEUCIQ==", "yesterday")]
    [InlineData("MEUCIQ==", "-5")]
    public void Verify_UnreadableHeader_ReturnsMalformed(string signature, string timestamp)
    {
        Assert.Equal(WebhookSignatureStatus.Malformed, Webhook().Verify(signature, timestamp, Payload));
    }

    [Fact]
    public void Verify_SendGridPublishedExample_ReturnsValid()
    {
        // The example key, signature and payload that SendGrid's own SDKs use in their Event Webhook tests.
        const string key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
        const string signature = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";
        const string timestamp = "1588788367";
        const string payload = """{"category":"example_payload","event":"test_event","message_id":"message_id"}""";
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1588788367 + 60));
        var webhook = new SendGridEventWebhook(key, time);

        Assert.Equal(WebhookSignatureStatus.Valid, webhook.Verify(signature, timestamp, payload));
        Assert.Equal(WebhookSignatureStatus.Invalid, webhook.Verify(signature, timestamp, payload + " "));
    }

    [Fact]
    public void Verify_Refused_LogsTheStatusAndNeverTheKeyOrBody()
    {
        var log = new ListLogger();
        var webhook = Webhook(logger: log);
        var timestamp = Timestamp(Now);

        webhook.Verify(Sign(_key, timestamp, Payload), timestamp, Payload + " ");
        webhook.Verify(null, timestamp, Payload);
        webhook.Verify(Sign(_key, timestamp, Payload), timestamp, Payload);

        Assert.Equal([(3004, "Invalid"), (3004, "Missing")], log.Entries.Select(e => (e.EventId, e.Message.Split(' ')[^1])));
        Assert.All(log.Entries, e => Assert.DoesNotContain("yamada@example.jp", e.Message, StringComparison.Ordinal));
        Assert.All(log.Entries, e => Assert.DoesNotContain(PublicKey[..20], e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_Base64ThatIsNotADerSignature_ReturnsMalformed()
    {
        var timestamp = Timestamp(Now);

        Assert.Equal(WebhookSignatureStatus.Malformed, Webhook().Verify(Convert.ToBase64String(new byte[] { 0x30, 0x45, 0x02, 0x21 }), timestamp, Payload));
    }

    [Fact]
    public void IsValidKey_GoodAndBadKeys()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.True(SendGridEventWebhook.IsValidKey(PublicKey));
        Assert.False(SendGridEventWebhook.IsValidKey(Convert.ToBase64String(p384.ExportSubjectPublicKeyInfo())));
        Assert.False(SendGridEventWebhook.IsValidKey("not a key"));
        Assert.False(SendGridEventWebhook.IsValidKey(""));
    }

    [Fact]
    public void Constructor_PemKey_IsAccepted()
    {
        var pem = _key.ExportSubjectPublicKeyInfoPem();
        var timestamp = Timestamp(Now);

        Assert.Equal(WebhookSignatureStatus.Valid, Webhook(pem).Verify(Sign(_key, timestamp, Payload), timestamp, Payload));
    }

    [Fact]
    public void Constructor_NotAnEcdsaKey_Throws()
    {
        using var rsa = RSA.Create(2048);

        Assert.Throws<ArgumentException>(() => Webhook(Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo())));
        Assert.Throws<ArgumentException>(() => Webhook("definitely not a key"));
    }

    [Fact]
    public void Constructor_P384Key_Throws()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Throws<ArgumentException>(() => Webhook(Convert.ToBase64String(p384.ExportSubjectPublicKeyInfo())));
    }

    [Fact]
    public void ParseEvents_DeliveredEvent_ExposesIdsCustomArgsAndCategories()
    {
        var e = Assert.Single(SendGridEventWebhook.ParseEvents(Payload));

        Assert.Equal("delivered", e.SendGridEvent);
        Assert.Equal("email.delivered", e.EngineEvent);
        Assert.Equal("yamada@example.jp", e.Email);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1740819500), e.Timestamp);
        Assert.Equal("ZGVsaXZlcmVk", e.SgEventId);
        Assert.StartsWith("msg-abc123", e.SgMessageId, StringComparison.Ordinal);
        Assert.Equal("ob-1", e.OutboxId);
        Assert.Equal("c-1", e.CustomerId);
        Assert.Equal(["journey:post-purchase", "step:thanks"], e.Categories);
        Assert.False(e.SuppressesEmail);
        Assert.False(e.CustomArgs.ContainsKey("response"));
    }

    [Theory]
    [InlineData("""{"event":"delivered"}""", "email.delivered", EmailSuppressionScope.None)]
    [InlineData("""{"event":"open","sg_machine_open":false}""", "email.opened", EmailSuppressionScope.None)]
    [InlineData("""{"event":"click","url":"https://shop.example.jp/item/1"}""", "email.clicked", EmailSuppressionScope.None)]
    [InlineData("""{"event":"bounce","type":"bounce","reason":"550 5.1.1 user unknown"}""", "email.bounced", EmailSuppressionScope.AllEmail)]
    [InlineData("""{"event":"bounce","type":"blocked","reason":"421 try again later"}""", "email.bounced", EmailSuppressionScope.None)]
    [InlineData("""{"event":"dropped","reason":"Bounced Address"}""", "email.dropped", EmailSuppressionScope.AllEmail)]
    [InlineData("""{"event":"dropped","reason":"Unsubscribed Address"}""", "email.dropped", EmailSuppressionScope.AllEmail)]
    [InlineData("""{"event":"dropped","reason":"Spam Reporting Address"}""", "email.dropped", EmailSuppressionScope.AllEmail)]
    [InlineData("""{"event":"dropped","reason":"Spam Content (if spam checker app enabled)"}""", "email.dropped", EmailSuppressionScope.None)]
    [InlineData("""{"event":"dropped","reason":"Invalid SMTPAPI header"}""", "email.dropped", EmailSuppressionScope.None)]
    [InlineData("""{"event":"spamreport"}""", "email.spamreport", EmailSuppressionScope.AllEmail)]
    [InlineData("""{"event":"unsubscribe"}""", "email.unsubscribed", EmailSuppressionScope.AllEmail)]
    [InlineData("""{"event":"group_unsubscribe","asm_group_id":4242}""", "email.group_unsubscribed", EmailSuppressionScope.AsmGroup)]
    [InlineData("""{"event":"processed"}""", null, EmailSuppressionScope.None)]
    [InlineData("""{"event":"deferred","attempt":"5"}""", null, EmailSuppressionScope.None)]
    public void ParseEvents_EachEventType_MapsEngineNameAndSuppression(string json, string? engineEvent, EmailSuppressionScope suppression)
    {
        var e = Assert.Single(SendGridEventWebhook.ParseEvents($"[{json}]"));

        Assert.Equal(engineEvent, e.EngineEvent);
        Assert.Equal(suppression, e.Suppression);
        Assert.Equal(suppression != EmailSuppressionScope.None, e.SuppressesEmail);
    }

    [Fact]
    public void ParseEvents_ClickAndGroupUnsubscribe_CarryUrlAndGroup()
    {
        var events = SendGridEventWebhook.ParseEvents(
            """[{"event":"click","url":"https://shop.example.jp/商品/1","category":"single","outbox_id":"ob-9"},{"event":"group_unsubscribe","asm_group_id":4242,"customer_id":77}]""");

        Assert.Equal("https://shop.example.jp/商品/1", events[0].Url);
        Assert.Equal(["single"], events[0].Categories);
        Assert.Equal("ob-9", events[0].OutboxId);
        Assert.Equal(4242, events[1].AsmGroupId);
        Assert.Equal("77", events[1].CustomerId);
    }

    [Fact]
    public void ParseEvents_EntriesWithoutEventType_AreSkipped()
    {
        Assert.Single(SendGridEventWebhook.ParseEvents("""[{"email":"x@example.jp"},{"event":"open"},42]"""));
    }

    [Fact]
    public void ParseEvents_NotAnArray_Throws()
    {
        Assert.ThrowsAny<JsonException>(() => SendGridEventWebhook.ParseEvents("""{"event":"open"}"""));
    }
}
