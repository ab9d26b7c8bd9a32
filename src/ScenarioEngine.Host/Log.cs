namespace ScenarioEngine.Host;

/// <summary>The standalone host's log messages (event ids 4000-4099, shared with ScenarioEngine.Api's). Never log API keys, secrets or personal data.</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Information, "ScenarioEngine host started: storage {Storage}, workers {Workers}, custom handler {CustomHandler}")]
    public static partial void Started(ILogger logger, string storage, bool workers, bool customHandler);

    [LoggerMessage(4003, LogLevel.Error, "Worker {Worker} failed; retrying after {Delay}")]
    public static partial void WorkerFailed(ILogger logger, string worker, TimeSpan delay, Exception exception);

    [LoggerMessage(4004, LogLevel.Warning, "Reloading the catalog failed; keeping the loaded one")]
    public static partial void CatalogReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(4005, LogLevel.Information, "Samples loaded: {Messages} messages, {Published} journeys published, {Unchanged} unchanged")]
    public static partial void SamplesLoaded(ILogger logger, int messages, int published, int unchanged);

    [LoggerMessage(4006, LogLevel.Warning, "Sample {File} is invalid and was skipped: {Errors}")]
    public static partial void SampleInvalid(ILogger logger, string file, string errors);

    [LoggerMessage(4007, LogLevel.Error, "Function {Function} failed")]
    public static partial void FunctionFailed(ILogger logger, string function, Exception exception);

    [LoggerMessage(4012, LogLevel.Information, "Sweeper re-enqueued {Count} items")]
    public static partial void Swept(ILogger logger, int count);

    [LoggerMessage(4030, LogLevel.Information, "Stopping: {Count} dispatches handed over in this process moved to the dispatch queue")]
    public static partial void LocalDispatchFlushed(ILogger logger, int count);

    [LoggerMessage(4013, LogLevel.Information, "Scheduled triggers fired for {Count} customers")]
    public static partial void ScheduledTriggersFired(ILogger logger, int count);

    [LoggerMessage(4016, LogLevel.Information,
        "Analytics recomputed for {Customers} customers: {Updated} updated, {SegmentChanges} entered a new RFM segment, {Refreshed} refreshed (lead score decay or JSON segment membership)")]
    public static partial void AnalyticsRecomputed(ILogger logger, int customers, int updated, int segmentChanges, int refreshed);

    [LoggerMessage(4014, LogLevel.Warning, "Samples folder {Path} not found; nothing loaded")]
    public static partial void SamplesMissing(ILogger logger, string path);

    [LoggerMessage(4015, LogLevel.Information, "Channel {Medium}: {Provider}")]
    public static partial void ChannelConfigured(ILogger logger, string medium, string provider);
}
