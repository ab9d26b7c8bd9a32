using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Channels;

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
    public RepeatSafety RepeatSafety => WebhookClient.RepeatSafety;

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
