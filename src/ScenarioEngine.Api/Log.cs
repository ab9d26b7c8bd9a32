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

    [LoggerMessage(4045, LogLevel.Error, "Storing the send confirmations of a SendGrid event webhook post failed")]
    public static partial void SendConfirmationsFailed(ILogger logger, Exception exception);

    [LoggerMessage(4050, LogLevel.Warning, "A card of the postcard batch {Date} is left out of the CSV: {Reason}")]
    public static partial void PostcardSkipped(ILogger logger, string date, string reason);

    [LoggerMessage(4017, LogLevel.Information, "Segment {SegmentId} saved")]
    public static partial void SegmentSaved(ILogger logger, string segmentId);

    [LoggerMessage(4018, LogLevel.Information, "Segment {SegmentId} deleted")]
    public static partial void SegmentDeleted(ILogger logger, string segmentId);

    [LoggerMessage(4000, LogLevel.Information, "ScenarioEngine started: host {Host}, storage {Storage}, workers {Workers}")]
    public static partial void Started(ILogger logger, string host, string storage, bool workers);

    [LoggerMessage(4007, LogLevel.Error, "Events queue worker {Queue} failed; retrying after {Delay}")]
    public static partial void EventQueueWorkerFailed(ILogger logger, string queue, TimeSpan delay, Exception exception);

    [LoggerMessage(4004, LogLevel.Warning, "Reloading the catalog failed; keeping the loaded one")]
    public static partial void CatalogReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(4005, LogLevel.Information, "Samples loaded: {Messages} messages, {Published} journeys published, {Unchanged} unchanged")]
    public static partial void SamplesLoaded(ILogger logger, int messages, int published, int unchanged);

    [LoggerMessage(4006, LogLevel.Warning, "Sample {File} is invalid and was skipped: {Errors}")]
    public static partial void SampleInvalid(ILogger logger, string file, string errors);

    [LoggerMessage(4012, LogLevel.Debug, "Journey counts aggregated from {Count} instance rows")]
    public static partial void CountsRefreshed(ILogger logger, int count);

    [LoggerMessage(4013, LogLevel.Information, "Scheduled triggers fired for {Count} customers")]
    public static partial void ScheduledTriggersFired(ILogger logger, int count);

    [LoggerMessage(4014, LogLevel.Warning, "Samples folder {Path} not found; nothing loaded")]
    public static partial void SamplesMissing(ILogger logger, string path);

    [LoggerMessage(4015, LogLevel.Information, "Channel {Medium}: {Provider}")]
    public static partial void ChannelConfigured(ILogger logger, string medium, string provider);

    [LoggerMessage(4016, LogLevel.Information,
        "Analytics recomputed for {Customers} customers: {Updated} updated, {SegmentChanges} entered a new RFM segment, {Refreshed} refreshed (lead score decay or JSON segment membership)")]
    public static partial void AnalyticsRecomputed(ILogger logger, int customers, int updated, int segmentChanges, int refreshed);

    [LoggerMessage(4060, LogLevel.Information, "Settings {Section} reloaded")]
    public static partial void SettingsReloaded(ILogger logger, string section);

    [LoggerMessage(4061, LogLevel.Error, "The reloaded {Section} settings are invalid; the settings in force stay: {Failures}")]
    public static partial void SettingsReloadRejected(ILogger logger, string section, string failures);

    [LoggerMessage(4070, LogLevel.Information, "Journey {JourneyId} version {Version} would message {Customers} customers ({Messages} messages) in the next 24 hours")]
    public static partial void PublishForecast(ILogger logger, string journeyId, int version, int customers, int messages);

    [LoggerMessage(4071, LogLevel.Information, "Publishing journey {JourneyId} waits for a confirmation of {Customers} customers (confirmed: {Confirmed})")]
    public static partial void PublishNeedsConfirmation(ILogger logger, string journeyId, int customers, int? confirmed);
}
