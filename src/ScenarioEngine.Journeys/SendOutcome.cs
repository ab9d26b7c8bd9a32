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

    /// <summary>Claimed by an earlier run whose result was not recorded: not sent again, reported.</summary>
    Unknown,
}

/// <summary>What became of a send.</summary>
/// <param name="Status">The kind.</param>
/// <param name="Reason">Why, for the time line and "why".</param>
/// <param name="RetryAt">For a deferral: when to try again.</param>
/// <param name="ProviderId">The provider's id for a sent message.</param>
/// <param name="Rule">The send-policy rule that skipped or deferred it (counted as "skipped:{rule}" / "deferred:{rule}"); null otherwise.</param>
public sealed record SendOutcome(SendStatus Status, string Reason, DateTimeOffset? RetryAt = null, string? ProviderId = null, string? Rule = null)
{
    /// <summary>
    /// Under a send rate: for a deferral, the window the send holds a place in (the next attempt carries it); for a sent message, the
    /// window it counted in. Null otherwise.
    /// </summary>
    public DateTimeOffset? ReservedWindow { get; init; }
}
