using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ScenarioEngine.Runtime.Diagnostics;

/// <summary>
/// The engine's metrics: one <see cref="Meter"/> named <see cref="Name"/>, read by OpenTelemetry (<c>AddMeter("ScenarioEngine")</c>),
/// Application Insights and <c>dotnet-counters</c>. Instrument names and tags are listed in docs/hosting.md.
/// </summary>
public static class EngineMeter
{
    /// <summary>The meter's name.</summary>
    public const string Name = "ScenarioEngine";

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> EventsAccepted = Meter.CreateCounter<long>("scenarioengine.events.accepted", "{event}", "Events queued at ingest.");
    private static readonly Counter<long> EventsApplied = Meter.CreateCounter<long>("scenarioengine.events.applied", "{event}", "Events applied to a customer (committed).");
    private static readonly Counter<long> EventsDuplicate = Meter.CreateCounter<long>("scenarioengine.events.duplicates", "{event}", "Redelivered events found already applied.");
    private static readonly Counter<long> JourneysEntered = Meter.CreateCounter<long>("scenarioengine.journeys.entered", "{journey}", "Journey entries, by journey.");
    private static readonly Counter<long> JourneysExited = Meter.CreateCounter<long>("scenarioengine.journeys.exited", "{journey}", "Journey exits, by journey and reason.");
    private static readonly Counter<long> JourneysConverted = Meter.CreateCounter<long>("scenarioengine.journeys.converted", "{journey}", "Journey conversions (goal reached), by journey.");
    private static readonly Counter<long> Sends = Meter.CreateCounter<long>("scenarioengine.sends", "{message}", "Send outcomes, by medium and outcome (sent, skipped, deferred, retried, failed, unknown).");
    private static readonly Histogram<double> SendDuration = Meter.CreateHistogram<double>("scenarioengine.send.duration", "ms", "Time a channel took to send one message, by medium.");
    private static readonly Counter<long> HandlerFailures = Meter.CreateCounter<long>("scenarioengine.handler.failures", "{message}", "Queue messages whose handler failed (retried), by queue kind.");
    private static readonly Counter<long> Poisoned = Meter.CreateCounter<long>("scenarioengine.messages.poisoned", "{message}", "Queue messages moved to a poison queue, by queue kind.");
    private static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("scenarioengine.commit.conflicts", "{commit}", "Customer commits retried after a concurrent change.");
    private static readonly Counter<long> StorageCalls = Meter.CreateCounter<long>("scenarioengine.storage.calls", "{call}", "Storage calls the engine made, by operation.");
    private static readonly Histogram<double> StorageDuration = Meter.CreateHistogram<double>("scenarioengine.storage.duration", "ms", "Duration of one storage call, by operation.");
    private static readonly Counter<long> IntegrationPublished = Meter.CreateCounter<long>("scenarioengine.integration_events.published", "{event}", "Integration events delivered to the broker.");
    private static readonly Counter<long> IntegrationRetried = Meter.CreateCounter<long>("scenarioengine.integration_events.retried", "{event}", "Integration events whose send failed and was retried.");
    private static readonly Counter<long> IntegrationFailed = Meter.CreateCounter<long>("scenarioengine.integration_events.failed", "{event}", "Integration events given up after the last retry.");
    private static readonly Counter<long> IntegrationDropped = Meter.CreateCounter<long>("scenarioengine.integration_events.dropped", "{event}", "Integration events dropped because the buffer was full.");

    internal static void Accepted(int n) => EventsAccepted.Add(n);

    internal static void Applied(int n) => EventsApplied.Add(n);

    internal static void Duplicate() => EventsDuplicate.Add(1);

    internal static void JourneyEntered(string journeyId) => JourneysEntered.Add(1, new KeyValuePair<string, object?>("journey", journeyId));

    /// <summary>Counts a journey exit (recorded by the journey recorder after its commit).</summary>
    public static void JourneyExited(string journeyId, string reason) =>
        JourneysExited.Add(1, new KeyValuePair<string, object?>("journey", journeyId), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts a conversion (recorded by the journey recorder after its commit).</summary>
    public static void JourneyConverted(string journeyId) => JourneysConverted.Add(1, new KeyValuePair<string, object?>("journey", journeyId));

    /// <summary>Counts a send outcome (recorded by the send ledger after its commit).</summary>
    public static void Send(string medium, string outcome) =>
        Sends.Add(1, new KeyValuePair<string, object?>("medium", medium), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Records how long one channel call took (timed by the catalog send channel).</summary>
    public static void SendTook(string medium, long startTimestamp) =>
        SendDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, new KeyValuePair<string, object?>("medium", medium));

    internal static void HandlerFailed(string queueKind) => HandlerFailures.Add(1, new KeyValuePair<string, object?>("queue", queueKind));

    internal static void Poison(string queueKind) => Poisoned.Add(1, new KeyValuePair<string, object?>("queue", queueKind));

    internal static void Conflict() => Conflicts.Add(1);

    /// <summary>Whether anyone listens to the storage instruments (checked per call, so a listener attached later is honoured).</summary>
    internal static bool StorageMetered => StorageCalls.Enabled || StorageDuration.Enabled;

    internal static void StorageCall(string operation, long startTimestamp)
    {
        var tag = new KeyValuePair<string, object?>("operation", operation);
        StorageCalls.Add(1, tag);
        StorageDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, tag);
    }

    /// <summary>Counts integration events a publisher delivered.</summary>
    public static void IntegrationEventsPublished(int count) => IntegrationPublished.Add(count);

    /// <summary>Counts integration events whose send failed and is retried.</summary>
    public static void IntegrationEventsRetried(int count) => IntegrationRetried.Add(count);

    /// <summary>Counts integration events a publisher gave up on.</summary>
    public static void IntegrationEventsFailed(int count) => IntegrationFailed.Add(count);

    /// <summary>Counts integration events dropped because the publisher's buffer was full.</summary>
    public static void IntegrationEventsDropped(int count) => IntegrationDropped.Add(count);
}
