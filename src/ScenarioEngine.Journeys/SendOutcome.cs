using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Journeys;

/// <summary>The kinds of send outcome.</summary>
public enum SendStatus
{
    /// <summary>The channel accepted it.</summary>
    Sent,

    /// <summary>The policy held it back until <see cref="SendOutcome.RetryAt"/> (quiet hours, a cap), or the channel asked to retry later.</summary>
    Deferred,

    /// <summary>The policy dropped it (consent, suppression, a cap that skips).</summary>
    Skipped,

    /// <summary>The channel refused it for good.</summary>
    Rejected,

    /// <summary>
    /// Sent or not, nobody can say, and it cannot be settled (the channel cannot repeat it safely, or a repeat also ended unknown):
    /// reported on the time line and counted as "unknown", never sent again.
    /// </summary>
    Unknown,
}

/// <summary>What became of a send.</summary>
/// <param name="Status">The kind.</param>
/// <param name="Reason">Why, for the time line and "why".</param>
/// <param name="RetryAt">For a deferral: when to try again.</param>
/// <param name="ProviderId">The provider's id for a sent message.</param>
/// <param name="Rule">The send-policy rule that skipped or deferred it (counted as "skipped:{rule}" / "deferred:{rule}"); null otherwise.</param>
/// <param name="Settlement">
/// How an outcome first left unknown was settled ("confirmed by SendGrid's processed event", "not confirmed within 1 h: sent again"),
/// shown on the time line; on a deferral, how it will be (the claim stands and the send is asked again at <paramref name="RetryAt"/>
/// whatever its attempt); null when the outcome was known at once.
/// </param>
public sealed record SendOutcome(SendStatus Status, string Reason, DateTimeOffset? RetryAt = null, string? ProviderId = null, string? Rule = null,
    string? Settlement = null)
{
    /// <summary>
    /// Under a send rate: for a deferral, the window the send holds a place in (the next attempt carries it); for a sent message, the
    /// window it counted in. Null otherwise.
    /// </summary>
    public DateTimeOffset? ReservedWindow { get; init; }

    /// <summary>
    /// The outcome of a channel's answer at <paramref name="now"/>: delivered is sent, retry-later a deferral (a minute when the channel
    /// named no wait), rejected a rejection, unknown stays unknown. An authentication failure is the provider's, not the message's: it
    /// is deferred like a retry, so the message goes out once the credentials work.
    /// </summary>
    public static SendOutcome FromChannel(ChannelSendResult result, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result switch
        {
            { Status: ChannelSendStatus.Delivered } => new SendOutcome(SendStatus.Sent, result.Reason, null, result.ProviderId),
            { Status: ChannelSendStatus.RetryLater } or { Status: ChannelSendStatus.Rejected, Fault: ChannelFault.Authentication } =>
                new SendOutcome(SendStatus.Deferred, result.Reason, now + (result.RetryAfter ?? TimeSpan.FromMinutes(1))),
            { Status: ChannelSendStatus.Unknown } => new SendOutcome(SendStatus.Unknown, result.Reason),
            _ => new SendOutcome(SendStatus.Rejected, result.Reason),
        };
    }
}
