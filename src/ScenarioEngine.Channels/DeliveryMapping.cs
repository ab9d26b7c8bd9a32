using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Channels;

/// <summary>Maps a provider client's <see cref="ChannelResult"/> to the engine's <see cref="DeliveryResult"/>.</summary>
public static class DeliveryMapping
{
    /// <summary>The shortest retry delay handed to the engine, so a reset time in the past does not spin.</summary>
    public static readonly TimeSpan MinimumRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Sent becomes Delivered, RetryAfter becomes RetryLater (relative to <paramref name="now"/>, throttled or not), Unanswered stays
    /// Unanswered, Failed becomes Rejected with its HTTP status.
    /// </summary>
    public static DeliveryResult ToDelivery(ChannelResult result, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result switch
        {
            ChannelResult.Sent sent => new Delivered(sent.ProviderMessageId),
            ChannelResult.RetryAfter retry => new RetryLater(retry.RetryAt - now > MinimumRetryDelay ? retry.RetryAt - now : MinimumRetryDelay, retry.Reason)
            {
                Throttled = retry.Throttled,
            },
            ChannelResult.Unanswered unanswered => new Unanswered(unanswered.Reason),
            ChannelResult.Failed failed => new Rejected(failed.Reason) { StatusCode = failed.StatusCode },
            _ => throw new InvalidOperationException($"Unknown channel result {result.GetType().Name}."),
        };
    }

    /// <summary>A profile attribute as text, or null when absent or blank.</summary>
    internal static string? Attribute(CustomerProfile profile, string name) =>
        profile.Attributes.TryGetValue(name, out var value) && value.Kind == ValueKind.String && !string.IsNullOrWhiteSpace(value.AsString)
            ? value.AsString!.Trim()
            : null;
}
