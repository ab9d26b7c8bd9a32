using System.Diagnostics.CodeAnalysis;

namespace ScenarioEngine.Channels;

/// <summary>The "Webhook" configuration section: signed POSTs of rendered payloads to one URL.</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Webhook";

    /// <summary>The shortest signing secret accepted.</summary>
    public const int MinimumSecretLength = 16;

    /// <summary>Where to POST; empty means webhook messages are recorded, not sent.</summary>
    public string Url { get; set; } = "";

    /// <summary>The shared secret for the HMAC-SHA256 signature (<see cref="WebhookSignature"/>).</summary>
    public string Secret { get; set; } = "";

    /// <summary>True when <paramref name="text"/> is an absolute http or https URL.</summary>
    public static bool IsHttpUrl(string? text, [NotNullWhen(true)] out Uri? url) =>
        Uri.TryCreate(text, UriKind.Absolute, out url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp);
}
