namespace ScenarioEngine.Channels;

/// <summary>The outcome of one send through a channel: sent, retry later, unanswered (outcome unknown), or failed for good.</summary>
/// <remarks>Every client returns one of these for provider outcomes; exceptions are kept for misuse
/// (an invalid message) and caller cancellation.</remarks>
public abstract record ChannelResult
{
    private ChannelResult()
    {
    }

    /// <summary>The provider accepted the message.</summary>
    /// <param name="ProviderMessageId">The provider's id for the message, when it returns one.</param>
    /// <param name="AlreadyAccepted">True when the provider said an earlier identical request had already been accepted.</param>
    public sealed record Sent(string? ProviderMessageId, bool AlreadyAccepted = false) : ChannelResult;

    /// <summary>The send did not happen now and may be tried again at <paramref name="RetryAt"/>.</summary>
    /// <param name="RetryAt">The earliest time the caller should try again.</param>
    /// <param name="Reason">
    /// Why the send must wait: the provider answered 429 or 5xx, the request provably never left (name resolution, connect or TLS
    /// failure), or a provider that de-duplicates by our key did not answer within the retries.
    /// </param>
    public sealed record RetryAfter(DateTimeOffset RetryAt, string Reason) : ChannelResult
    {
        /// <summary>Builds a retry <paramref name="delay"/> after <paramref name="now"/>.</summary>
        public static RetryAfter In(TimeSpan delay, DateTimeOffset now, string reason) => new(now + delay, reason);

        /// <summary>True when the provider throttled the call (HTTP 429); false when it failed (5xx, timeout, network error).</summary>
        public bool Throttled { get; init; }
    }

    /// <summary>
    /// The request may have reached the provider and no answer came (it timed out, or the connection broke once the request was on
    /// its way): whether the provider accepted it is unknown. Returned, not retried inside the call, by a provider without an
    /// idempotency key (SendGrid), where a repeat could reach the customer twice.
    /// </summary>
    /// <param name="Reason">What happened ("SendGrid did not answer within 10 s").</param>
    public sealed record Unanswered(string Reason) : ChannelResult;

    /// <summary>The provider rejected the message; sending it again unchanged will not help.</summary>
    /// <param name="Reason">A readable summary of the rejection.</param>
    /// <param name="Errors">The provider's own error entries, if it gave any.</param>
    /// <param name="StatusCode">The HTTP status code, when the failure came from an HTTP response.</param>
    public sealed record Failed(string Reason, IReadOnlyList<ProviderError> Errors, int? StatusCode = null) : ChannelResult
    {
        /// <summary>Builds a failure without provider error entries.</summary>
        public Failed(string reason)
            : this(reason, [], null)
        {
        }
    }
}

/// <summary>One error entry reported by a provider, with the request field it concerns if known.</summary>
/// <param name="Message">The provider's message.</param>
/// <param name="Field">The request field the provider blamed (SendGrid <c>field</c>, LINE <c>property</c>).</param>
public sealed record ProviderError(string Message, string? Field = null);
