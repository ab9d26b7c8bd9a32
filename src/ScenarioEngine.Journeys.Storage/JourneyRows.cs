using System.Globalization;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Journeys.Storage;

/// <summary>
/// Row keys of the journey rows in a customer's partition. The profile ("a|profile"), instance ("i|") and time-line ("t|") rows keep
/// the runtime's layout (<see cref="Codec"/>), so the runtime's readers (time line, why, statistics, erase) read them unchanged; send
/// claims ("s|") and providers' confirmations of sends ("r|") are new and lie outside the runtime's hot range ("a" to "p").
/// </summary>
internal static class JourneyRows
{
    /// <summary>Row-key prefix of send claims.</summary>
    public const string ClaimPrefix = "s|";

    /// <summary>Row-key prefix of providers' confirmations of sends.</summary>
    public const string ConfirmationPrefix = "r|";

    /// <summary>The row key of the claim of a send.</summary>
    public static string ClaimKey(string idempotencyKey) => ClaimPrefix + Codec.Safe(idempotencyKey);

    /// <summary>The row key of the provider's confirmation of a send.</summary>
    public static string ConfirmationKey(string idempotencyKey) => ConfirmationPrefix + Codec.Safe(idempotencyKey);

    /// <summary>The instance row of an instance (the runtime's layout, <see cref="Codec.InstanceKey"/>).</summary>
    public static string InstanceKey(string journeyId, string instanceId) => Codec.InstanceKey(journeyId, instanceId);

    /// <summary>
    /// The time-line row of one record batch: newest first like the runtime's ("t|" and a descending 19-digit number, here the
    /// inverted ticks of the batch's time), then the instance and batch, so a batch written twice lands on the same row.
    /// </summary>
    public static string TimelineKey(DateTimeOffset at, string instanceId, int batch) =>
        Codec.TimelinePrefix + (long.MaxValue - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "|" + Codec.Safe(instanceId) + "|" +
        batch.ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>
    /// The time-line row of one send outcome, newest first like the others, then the instance, the send's key and its attempt (an
    /// outcome is written once: its claim or, for a deferral, the instance row's mark keeps a second recording from writing again).
    /// </summary>
    public static string OutcomeTimelineKey(DateTimeOffset at, string instanceId, string idempotencyKey, int attempt) =>
        Codec.TimelinePrefix + (long.MaxValue - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "|" + Codec.Safe(instanceId) + "|m|" +
        Codec.Safe(idempotencyKey) + "|" + attempt.ToString("D10", CultureInfo.InvariantCulture);
}
