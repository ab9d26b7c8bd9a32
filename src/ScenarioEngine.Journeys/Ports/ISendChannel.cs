using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Journeys.Ports;

/// <summary>Delivers one claimed message by its medium (rendering included); passes the idempotency key to providers that de-duplicate by it.</summary>
public interface ISendChannel
{
    /// <summary>Sends the message of <paramref name="command"/> to the customer.</summary>
    Task<ChannelSendResult> SendAsync(SendCommand command, CustomerProfile profile, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether, and when, a send of <paramref name="medium"/> whose outcome is unknown (claimed, not recorded; or a timeout) may be sent
    /// again with the same idempotency key: what the provider behind the medium does with a repeated key decides it, not the engine.
    /// </summary>
    RepeatSafety RepeatSafetyOf(string medium);
}

/// <summary>What a channel did.</summary>
public enum ChannelSendStatus
{
    /// <summary>Accepted by the provider.</summary>
    Delivered,

    /// <summary>Not accepted now; try again later.</summary>
    RetryLater,

    /// <summary>Refused for good.</summary>
    Rejected,

    /// <summary>
    /// The request may or may not have reached the provider (a timeout, a connection lost after sending): the send is settled by
    /// <see cref="ISendChannel.RepeatSafetyOf"/>, never simply repeated.
    /// </summary>
    Unknown,
}

/// <summary>A channel's answer.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Reason">Why (provider text, never personal data).</param>
/// <param name="ProviderId">The provider's message id, when delivered.</param>
/// <param name="RetryAfter">For <see cref="ChannelSendStatus.RetryLater"/>: how long to wait.</param>
/// <param name="Content">The rendered content by part (subject, body...), kept on the customer's time line; null when nothing was rendered.</param>
public sealed record ChannelSendResult(
    ChannelSendStatus Status,
    string Reason,
    string? ProviderId = null,
    TimeSpan? RetryAfter = null,
    IReadOnlyDictionary<string, string>? Content = null)
{
    /// <summary>
    /// Set by the channel when the provider itself is failing (<see cref="ChannelFault.Outage"/> with <see cref="ChannelSendStatus.RetryLater"/>,
    /// <see cref="ChannelFault.Authentication"/> with either): counted by the medium's circuit breaker, and the send is deferred, not failed.
    /// </summary>
    public ChannelFault Fault { get; init; }
}
