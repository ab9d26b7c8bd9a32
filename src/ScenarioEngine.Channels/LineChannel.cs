using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Channels;

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
    public RepeatSafety RepeatSafety => LineClient.RepeatSafety;

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
