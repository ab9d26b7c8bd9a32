namespace ScenarioEngine.Channels;

/// <summary>The "SendGrid" configuration section: email through SendGrid and its signed Event Webhook.</summary>
public sealed class SendGridOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "SendGrid";

    /// <summary>The API key; empty means email is recorded, not sent.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The sender used when a message names none (<c>Name &lt;address&gt;</c> or a bare address).</summary>
    public string From { get; set; } = "";

    /// <summary>The Event Webhook verification key (base64 DER or PEM, ECDSA P-256); empty disables the webhook.</summary>
    public string WebhookPublicKey { get; set; } = "";
}
