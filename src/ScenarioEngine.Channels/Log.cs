using Microsoft.Extensions.Logging;

namespace ScenarioEngine.Channels;

/// <summary>
/// The Channels project's log messages (event ids 3000-3099). Never log API keys, tokens, secrets, e-mail addresses
/// or LINE user ids: reasons are built from status codes and the provider's error text, never from the request.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Warning, "Send failed for good (HTTP {StatusCode}): {Reason}")]
    public static partial void SendFailed(ILogger logger, int? statusCode, string reason);

    [LoggerMessage(3001, LogLevel.Information, "Attempt {Attempt} did not complete ({Reason}); retrying in {Delay}")]
    public static partial void SendRetried(ILogger logger, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(3002, LogLevel.Warning, "Rate limited until {RetryAt}, later than the inline wait allows; the send is handed back ({Reason})")]
    public static partial void SendThrottled(ILogger logger, DateTimeOffset retryAt, string reason);

    [LoggerMessage(3003, LogLevel.Warning, "Gave up after {Attempts} attempts; the send is handed back for {RetryAt} ({Reason})")]
    public static partial void SendRetriesExhausted(ILogger logger, int attempts, DateTimeOffset retryAt, string reason);

    [LoggerMessage(3004, LogLevel.Warning, "SendGrid Event Webhook post refused: signature {Status}")]
    public static partial void WebhookSignatureRefused(ILogger logger, WebhookSignatureStatus status);

    [LoggerMessage(3005, LogLevel.Warning, "Attempt {Attempt} may have reached the provider without an answer ({Reason}); not repeated, as the provider has no idempotency key")]
    public static partial void SendUnanswered(ILogger logger, int attempt, string reason);
}
