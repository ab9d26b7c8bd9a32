using System.Collections.ObjectModel;
using System.Diagnostics;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Runtime.Diagnostics;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Journeys.Storage.Adapters;

/// <summary>
/// Sends a claimed message through the engine's channels: the message document from the <see cref="Catalog"/>, rendered with the
/// customer's profile and the instance's trigger, handed to the channel of its medium with the send's idempotency key.
/// </summary>
public sealed class CatalogSendChannel : ISendChannel
{
    private readonly Catalog _catalog;
    private readonly IMessageRenderer _renderer;
    private readonly IReadOnlyDictionary<string, IChannel> _channels;

    /// <summary>A channel over the catalog's messages and the channels by medium.</summary>
    public CatalogSendChannel(Catalog catalog, IMessageRenderer renderer, IEnumerable<IChannel> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _renderer = renderer ?? throw new ArgumentNullException(nameof(renderer));
        _channels = channels.ToDictionary(c => c.Medium, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public RepeatSafety RepeatSafetyOf(string medium) =>
        _channels.TryGetValue(medium, out var channel) ? channel.RepeatSafety : RepeatSafety.SameKey;

    /// <inheritdoc />
    public async Task<ChannelSendResult> SendAsync(SendCommand command, CustomerProfile profile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(profile);
        if (!_catalog.Messages.TryGetValue(command.MessageId, out var document))
        {
            return new ChannelSendResult(ChannelSendStatus.Rejected, $"message {command.MessageId} is not in the catalog");
        }

        if (!_channels.TryGetValue(command.Medium, out var channel))
        {
            return new ChannelSendResult(ChannelSendStatus.Rejected, $"no channel configured for {command.Medium}");
        }

        var data = _renderer.ReadsData ? TemplateData.For(profile, command.Trigger) : ReadOnlyDictionary<string, object?>.Empty;
        var content = _renderer.Render(document, command.Medium, data);
        var outbound = new OutboundMessage(command.CustomerId, command.Medium, command.MessageId, command.IdempotencyKey, command.JourneyId, command.StepId, content, profile);
        DeliveryResult result;
        var started = Stopwatch.GetTimestamp();
        try
        {
            result = await channel.SendAsync(outbound, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            result = new RetryLater(TimeSpan.FromMinutes(1), ex.Message);
        }
        finally
        {
            EngineMeter.SendTook(command.Medium, started);
        }

        return result switch
        {
            Delivered d => new ChannelSendResult(ChannelSendStatus.Delivered, "delivered", d.ProviderId, Content: content),
            RetryLater r => new ChannelSendResult(ChannelSendStatus.RetryLater, r.Reason, RetryAfter: r.After, Content: content) { Fault = FaultOf(r) },
            Unanswered u => new ChannelSendResult(ChannelSendStatus.Unknown, u.Reason, Content: content) { Fault = FaultOf(u) },
            Rejected r => new ChannelSendResult(ChannelSendStatus.Rejected, r.Reason, Content: content) { Fault = FaultOf(r) },
            _ => throw new InvalidOperationException($"unknown delivery result {result.GetType().Name}"),
        };
    }

    /// <summary>
    /// What the provider's answer says about the provider, for the circuit breaker: a retry-later is an outage (5xx, timeout, network
    /// error after the channel's retries) unless it was a throttle (429, which carries its own retry time); no answer at all is an
    /// outage; a refusal with 401 or 403 refuses the credentials; any other refusal is for the message's own sake.
    /// </summary>
    public static ChannelFault FaultOf(DeliveryResult result) => result switch
    {
        RetryLater { Throttled: false } or Unanswered => ChannelFault.Outage,
        Rejected { StatusCode: 401 or 403 } => ChannelFault.Authentication,
        _ => ChannelFault.None,
    };
}
