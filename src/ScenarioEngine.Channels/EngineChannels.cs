using System.Globalization;
using System.Text.Json;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Channels;

/// <summary>Maps a provider client's <see cref="ChannelResult"/> to the engine's <see cref="DeliveryResult"/>.</summary>
public static class DeliveryMapping
{
    /// <summary>The shortest retry delay handed to the engine, so a reset time in the past does not spin.</summary>
    public static readonly TimeSpan MinimumRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>Sent becomes Delivered, RetryAfter becomes RetryLater (relative to <paramref name="now"/>), Failed becomes Rejected.</summary>
    public static DeliveryResult ToDelivery(ChannelResult result, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result switch
        {
            ChannelResult.Sent sent => new Delivered(sent.ProviderMessageId),
            ChannelResult.RetryAfter retry => new RetryLater(retry.RetryAt - now > MinimumRetryDelay ? retry.RetryAt - now : MinimumRetryDelay, retry.Reason),
            ChannelResult.Failed failed => new Rejected(failed.Reason),
            _ => throw new InvalidOperationException($"Unknown channel result {result.GetType().Name}."),
        };
    }

    /// <summary>A profile attribute as text, or null when absent or blank.</summary>
    internal static string? Attribute(CustomerProfile profile, string name) =>
        profile.Attributes.TryGetValue(name, out var value) && value.Kind == ValueKind.String && !string.IsNullOrWhiteSpace(value.AsString)
            ? value.AsString!.Trim()
            : null;
}

/// <summary>Settings of the <see cref="SendGridEmailChannel"/>.</summary>
public sealed class SendGridEmailChannelOptions
{
    /// <summary>The sender used when a message names none (<c>Name &lt;address&gt;</c> or a bare address).</summary>
    public string? DefaultFrom { get; set; }
}

/// <summary>Email through SendGrid Mail Send: the address comes from the profile attribute <c>email</c>.</summary>
/// <remarks>
/// Categories carry the journey and <c>journey/step</c> for SendGrid statistics; custom args carry the outbox key
/// (<c>outbox_id</c>) and customer id (<c>customer_id</c>) so Event Webhook events find their way back.
/// </remarks>
public sealed class SendGridEmailChannel : IChannel
{
    private readonly SendGridClient _client;
    private readonly SendGridEmailChannelOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the channel.</summary>
    public SendGridEmailChannel(SendGridClient client, SendGridEmailChannelOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new SendGridEmailChannelOptions();
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Medium => Core.Language.Medium.Email;

    /// <inheritdoc />
    public async Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (DeliveryMapping.Attribute(message.Profile, "email") is not { } address)
        {
            return new Rejected("the customer has no \"email\" attribute");
        }

        var from = ParseAddress(message.Content.GetValueOrDefault("from")) ?? ParseAddress(_options.DefaultFrom);
        if (from is null)
        {
            return new Rejected($"message {message.MessageId} names no sender and SendGrid:From is not set");
        }

        var templateId = message.Content.GetValueOrDefault("templateId");
        var email = new EmailMessage
        {
            From = from,
            ReplyTo = ParseAddress(message.Content.GetValueOrDefault("replyTo")),
            Recipients = [new EmailRecipient { To = new EmailAddress(address) }],
            Subject = message.Content.GetValueOrDefault("subject"),
            Html = templateId is null ? message.Content.GetValueOrDefault("html") : null,
            Text = templateId is null ? message.Content.GetValueOrDefault("text") : null,
            TemplateId = templateId,
            TemplateData = templateId is not null && message.Content.GetValueOrDefault("templateData") is { } json
                ? JsonSerializer.Deserialize<Dictionary<string, object?>>(json)
                : null,
            Categories = [message.JourneyId, message.JourneyId + "/" + message.StepId],
            CustomArgs = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["outbox_id"] = message.IdempotencyKey,
                ["customer_id"] = message.CustomerId,
                ["journey_id"] = message.JourneyId,
                ["step_id"] = message.StepId,
            },
            AsmGroupId = int.TryParse(message.Content.GetValueOrDefault("unsubscribeGroup"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var group)
                ? group
                : null,
        };

        ChannelResult result;
        try
        {
            result = await _client.SendAsync(email, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            // The rendered message cannot be sent as it is (no subject, no body): retrying will not help.
            return new Rejected("the email is incomplete: " + ex.Message);
        }

        return DeliveryMapping.ToDelivery(result, _time.GetUtcNow());
    }

    /// <summary>Reads <c>Name &lt;address&gt;</c> or a bare address; null for blank text.</summary>
    public static EmailAddress? ParseAddress(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var open = text.LastIndexOf('<');
        var close = text.LastIndexOf('>');
        if (open >= 0 && close > open)
        {
            var name = text[..open].Trim().Trim('"');
            return new EmailAddress(text[(open + 1)..close].Trim(), name.Length == 0 ? null : name);
        }

        return new EmailAddress(text.Trim());
    }
}

/// <summary>LINE push messages: the user id comes from the profile attribute <c>lineUserId</c>.</summary>
/// <remarks>The <c>X-Line-Retry-Key</c> is derived from the engine's idempotency key, so LINE accepts a retried push once.</remarks>
public sealed class LineChannel : IChannel
{
    private readonly LineClient _client;
    private readonly TimeProvider _time;

    /// <summary>Creates the channel.</summary>
    public LineChannel(LineClient client, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Medium => Core.Language.Medium.Line;

    /// <inheritdoc />
    public async Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (DeliveryMapping.Attribute(message.Profile, "lineUserId") is not { } userId)
        {
            return new Rejected("the customer has no \"lineUserId\" attribute");
        }

        if (message.Content.GetValueOrDefault("text") is not { Length: > 0 } text)
        {
            return new Rejected($"message {message.MessageId} has no LINE text");
        }

        var result = await _client.PushTextAsync(userId, text, LineRetryKey.From(message.IdempotencyKey), cancellationToken).ConfigureAwait(false);
        return DeliveryMapping.ToDelivery(result, _time.GetUtcNow());
    }
}

/// <summary>A signed POST of the rendered webhook payload to the configured URL, with the idempotency key in a header.</summary>
public sealed class WebhookChannel : IChannel
{
    private readonly WebhookClient _client;
    private readonly TimeProvider _time;

    /// <summary>Creates the channel.</summary>
    public WebhookChannel(WebhookClient client, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Medium => Core.Language.Medium.Webhook;

    /// <inheritdoc />
    public async Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Content.GetValueOrDefault("payload") is not { Length: > 0 } payload)
        {
            return new Rejected($"message {message.MessageId} has no webhook payload");
        }

        var result = await _client.SendAsync(payload, message.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        return DeliveryMapping.ToDelivery(result, _time.GetUtcNow());
    }
}
