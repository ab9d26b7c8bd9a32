namespace ScenarioEngine.Api;

/// <summary>The API's log messages (event ids 4000-4099, shared with the standalone host's). Never log API keys, secrets or personal data.</summary>
internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Error, "Queuing {Count} events failed")]
    public static partial void IngestFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(4002, LogLevel.Error, "Stored definition {Partition}/{Row} no longer parses and is left out of the catalog: {Errors}")]
    public static partial void StoredDocumentInvalid(ILogger logger, string partition, string row, string errors);

    [LoggerMessage(4008, LogLevel.Information, "Journey {JourneyId} version {Version} published")]
    public static partial void JourneyPublished(ILogger logger, string journeyId, int version);

    [LoggerMessage(4009, LogLevel.Information, "Journey {JourneyId} is now {State}")]
    public static partial void JourneyStateChanged(ILogger logger, string journeyId, string state);

    [LoggerMessage(4010, LogLevel.Information, "A customer was erased ({Timeline} time-line rows, {Stopped} journeys stopped)")]
    public static partial void CustomerErased(ILogger logger, int timeline, int stopped);

    [LoggerMessage(4011, LogLevel.Warning, "SendGrid event webhook refused: signature {Status}")]
    public static partial void SendGridWebhookRefused(ILogger logger, string status);

    [LoggerMessage(4050, LogLevel.Warning, "A card of the postcard batch {Date} is left out of the CSV: {Reason}")]
    public static partial void PostcardSkipped(ILogger logger, string date, string reason);

    [LoggerMessage(4017, LogLevel.Information, "Segment {SegmentId} saved")]
    public static partial void SegmentSaved(ILogger logger, string segmentId);

    [LoggerMessage(4018, LogLevel.Information, "Segment {SegmentId} deleted")]
    public static partial void SegmentDeleted(ILogger logger, string segmentId);
}
