using Microsoft.Extensions.Logging;

namespace ScenarioEngine.Journeys.Storage;

/// <summary>The Journeys.Storage project's log messages (event ids 6100-6199). Never log profiles or message content.</summary>
internal static partial class Log
{
    [LoggerMessage(6100, LogLevel.Debug, "Send ledger of customer {CustomerId} changed while claiming {IdempotencyKey}: read again")]
    public static partial void ClaimConflict(ILogger logger, string customerId, string idempotencyKey);

    [LoggerMessage(6101, LogLevel.Debug, "Record batch {Batch} of {InstanceId} already applied: not counted again")]
    public static partial void BatchAlreadyApplied(ILogger logger, string instanceId, int batch);

    [LoggerMessage(6102, LogLevel.Debug, "Outcome of send {IdempotencyKey} (attempt {Attempt}) already recorded: not written again")]
    public static partial void OutcomeAlreadyRecorded(ILogger logger, string idempotencyKey, int attempt);
}
