using ScenarioEngine.Journeys.Ports;
using System.Globalization;
using System.Text.Json;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Channels;

/// <summary>Email through SendGrid Mail Send: the address comes from the profile attribute <c>email</c>.</summary>
/// <remarks>
/// Categories carry the journey and <c>journey/step</c> for SendGrid statistics; custom args carry the send's idempotency key
/// (<c>outbox_id</c>) and customer id (<c>customer_id</c>) so Event Webhook events find their way back.
/// </remarks>
public sealed class SendGridEmailChannel : IChannel
{
    private readonly SendGridEmailClient _client;
    private readonly EmailAddress? _defaultFrom;
    private readonly TimeProvider _time;

    /// <summary>Creates the channel.</summary>
    /// <param name="client">The SendGrid client.</param>
    /// <param name="options">Gives the default sender (<see cref="SendGridOptions.From"/>) for messages that name none.</param>
    /// <param name="time">The clock for retry delays; the system clock when null.</param>
    public SendGridEmailChannel(SendGridEmailClient client, SendGridOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _defaultFrom = ParseAddress(options?.From);
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Medium => Core.Language.Medium.Email;

    /// <summary>SendGrid has no idempotency key: an unknown outcome waits for the Event Webhook's confirmation before it is sent again.</summary>
    public RepeatSafety RepeatSafety => SendGridEmailClient.RepeatSafety;

    /// <inheritdoc />
    public async Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (DeliveryMapping.Attribute(message.Profile, "email") is not { } address)
        {
            return new Rejected("the customer has no \"email\" attribute");
        }

        var from = ParseAddress(message.Content.GetValueOrDefault("from")) ?? _defaultFrom;
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
