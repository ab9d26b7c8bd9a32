namespace ScenarioEngine.Api.Settings;

/// <summary>One configuration setting the host reads.</summary>
/// <param name="Name">The configuration key with ':' between sections (app settings and environment variables use "__").</param>
/// <param name="Secret">True for keys and passwords: Key Vault references in Azure, never logged.</param>
/// <param name="Description">What it does.</param>
public sealed record HostSetting(string Name, bool Secret, string Description)
{
    /// <summary>The name as an app setting or environment variable (sections joined by "__").</summary>
    public string AppSettingName => Name.Replace(":", "__", StringComparison.Ordinal);
}

/// <summary>
/// Every setting the host reads, in one place: local.settings.sample.json and infra/main.bicep must list each of them
/// (a test checks), and docs/hosting.md describes them.
/// </summary>
public static class HostSettings
{
    /// <summary>The storage connection string: "UseDevelopmentStorage=true" for Azurite, "memory" for the in-memory store.</summary>
    public const string Storage = "AzureWebJobsStorage";

    /// <summary>The value of <see cref="Storage"/> that selects the in-memory store (one process, nothing kept).</summary>
    public const string MemoryStorage = "memory";

    /// <summary>The settings.</summary>
    public static IReadOnlyList<HostSetting> All { get; } =
    [
        new(Storage, true, "Storage account connection string; UseDevelopmentStorage=true means Azurite, \"memory\" the in-memory store."),
        new("Engine:CustomersTable", false, "Table holding one partition per customer."),
        new("Engine:DefinitionsTable", false, "Table holding journey drafts, published versions, messages, JSON segments and postcard batches."),
        new("Engine:AuditTable", false, "Table holding the audit log: every change made through the API, by key name (GET /api/audit)."),
        new("Engine:QueuePrefix", false, "Prefix of every queue name; the Functions app's queue triggers listen on %Engine:QueuePrefix%-events-N (the journeys' own queues belong to the task hub, Journeys:TaskHubName)."),
        new("Engine:EventQueueCount", false, "Number of events queues customers are spread over (1 to 64 standalone, 1 to 16 in the Functions app, whose Events<N> functions at or past it are disabled)."),
        new("Engine:Workers", false, "Run the queue workers and scheduled jobs in this standalone process (default true); the Functions app ignores it: its triggers do that work."),
        new("Journeys:TaskHubName", false, "The Durable Task hub that runs journey orchestrations (prefix of its queues, tables and containers in the storage account), in both hosts (host.json reads it in the Functions app)."),
        new("Journeys:PartitionCount", false, "Standalone host on Azure Storage: control-queue partitions of the task hub (1 to 16), the most hosts that run orchestrations at once (the Functions app sets it in host.json)."),
        new("Journeys:MaxQueuePollingInterval", false, "Standalone host on Azure Storage: the longest wait between polls of an idle task-hub queue (the Functions app sets it in host.json)."),
        new("Journeys:ExtendedSessions", false, "Standalone host on Azure Storage: keep a journey instance's state in memory between its episodes (Durable Task's extended sessions, default true), so an activity's result or a short wait's timer resumes it without reading its history again (the Functions app's host.json has its own extendedSessionsEnabled, false)."),
        new("Journeys:ExtendedSessionIdleTimeout", false, "Standalone host on Azure Storage: how long an extended session waits for its instance's next message before it gives up its state (default 00:00:30, 1 s to 10 min)."),
        new("Journeys:MaxConcurrentActivities", false, "Standalone host on Azure Storage: journey activities (sends, record batches, profile reads) one host runs at once (default 100, 1 to 1000); they wait on storage and providers, so a low figure caps the sends a host makes per second (in the Functions app the extension's maxConcurrentActivityFunctions applies, host.json, not set)."),
        new("Journeys:MaxConcurrentOrchestrations", false, "Standalone host on Azure Storage: journey orchestration episodes one host runs at once (default 200, 1 to 1000); Durable Task keeps at most half of them as extended sessions (in the Functions app the extension's maxConcurrentOrchestratorFunctions applies, host.json, not set)."),
        new("Journeys:QueueVisibilityTimeout", false, "Standalone host on Azure Storage: how long a task-hub message a host took stays hidden; after a host is killed its work resumes on another (or the restarted) host after this long."),
        new("Journeys:MaxWaitPointsPerExecution", false, "Wait points of a journey instance before it continues as new, which keeps its history bounded."),
        new("Journeys:MaxSendAttempts", false, "Send attempts per message (the first plus retries after deferrals) before the send is recorded failed (gave up after N deferred attempts); deferrals by a send rate or an open circuit do not count."),
        new("Journeys:MaxActivityAttempts", false, "Attempts of a journey activity that fails (storage or provider outage) before the instance fails."),
        new("Journeys:ActivityRetryInterval", false, "The wait before a failed journey activity is tried again (doubled each time)."),
        new("Journeys:TimerPadding", false, "How long after its due time a durable timer is set (default 00:00:01): DurableTask.AzureStorage delivers timers up to a second early."),
        new("Journeys:Instances:WaitForStartBeforeRaise", false, "Functions app: before raising an event, wait until a just-started instance is running (the extension cannot turn off ExecutionStarted de-duplication); the standalone host does not need it."),
        new("Journeys:Instances:StartWaitTimeout", false, "Functions app: how long a raise waits for a pending instance to start before it fails and the events message is retried."),
        new("Sending:EmailConfirmationWindow", false, "How long an email whose send outcome is unknown waits for SendGrid's Event Webhook to confirm it before it is sent again (hh:mm:ss; default 01:00:00)."),
        new("Journeys:Tables:SendingTable", false, "Table of the rows every host shares for sending: each medium's send-rate cursors and circuit (default sending)."),
        new("Sending:Rate:email", false, "Messages of email per Sending:RateWindow across every host (default 0: not limited); over it a send is deferred to the first window with room, holding its place."),
        new("Sending:Rate:line", false, "Messages of line per Sending:RateWindow across every host (default 0: not limited); over it a send is deferred to the first window with room, holding its place."),
        new("Sending:Rate:webhook", false, "Messages of webhook per Sending:RateWindow across every host (default 0: not limited); over it a send is deferred to the first window with room, holding its place."),
        new("Sending:Rate:postcard", false, "Messages of postcard per Sending:RateWindow across every host (default 0: not limited); over it a send is deferred to the first window with room, holding its place."),
        new("Sending:RateWindow", false, "The window send rates count in (default 00:01:00, at least 00:00:00.1); windows start at multiples of it since the Unix epoch."),
        new("Sending:RateShards", false, "Rows each limited medium's rate is split over (1 to 64, default 1; at most the smallest rate): more rows let more hosts reserve at once."),
        new("Sending:Circuit:FailureThreshold", false, "Consecutive provider failures (5xx, timeouts, 401/403) that open a medium's circuit (default 5; 0 turns the breaker off)."),
        new("Sending:Circuit:FailureWindow", false, "A run of provider failures that started longer ago than this starts counting again (default 00:01:00)."),
        new("Sending:Circuit:CoolDown", false, "How long an open circuit holds the medium's sends before one trial send (default 00:01:00); doubled each time the trial fails."),
        new("Sending:Circuit:MaxCoolDown", false, "The longest cool-down the doubling reaches (default 00:15:00)."),
        new("Sending:Circuit:TrialTimeout", false, "How long the trial send holds a half-open circuit before another send may try (default 00:00:30)."),
        new("Sending:Circuit:TrialRecheckInterval", false, "How long a send held behind a half-open circuit's trial waits before asking again, at most until the trial's hold ends (default 00:00:05)."),
        new("Sending:Circuit:RefreshInterval", false, "How long a process sends on the circuit state it last read before reading the medium's row again (default 00:00:01; 0 reads it for every send)."),
        new("Engine:IdlePollDelay", false, "Longest pause of an idle events queue worker before it polls again (events this process accepts wake it at once)."),
        new("Engine:CountsInterval", false, "How often every journey's counts are aggregated from the instance rows into one row per journey, which the dashboard's canvas reads."),
        new("Engine:ScheduledTriggersInterval", false, "How often date and schedule triggers are checked."),
        new("Engine:CatalogRefreshInterval", false, "How often each process reloads journeys and messages published by others."),
        new("Engine:DefaultTimeZone", false, "IANA time zone for customers without one (quiet hours, atLocalTime, date triggers)."),
        new("Engine:QuietHours", false, "No marketing messages between these local times, HH:mm-HH:mm; empty for none."),
        new("Engine:Caps", false, "Frequency caps across journeys, medium:max/duration with * for all media, e.g. email:1/P1D,*:3/P7D; empty for none."),
        new("Engine:OverCap", false, "What happens to a message over a cap: skip (recorded with the reason) or defer."),
        new("Engine:AnalyticsInterval", false, "How often RFM, P(alive) and segment membership are recomputed (d.hh:mm:ss)."),
        new("Engine:LeadScoring:HalfLife", false, "Lead scoring: how long until an event's points count half (d.hh:mm:ss); scoring is on only with Engine:LeadScoring:PointsByEventType:<type> values."),
        new("Engine:LeadScoring:HotThreshold", false, "Lead scoring: the lead.score at or above which lead.hot is true."),
        new("ApiKeys:Events", true, "API key(s) for shops (scope events, key name \"events\"), comma-separated to rotate."),
        new("ApiKeys:Admin", true, "API key(s) for marketers and operators (scopes read, write and publish, key name \"admin\"); named keys go under ApiKeys:Keys:<name>:Key and :Scopes."),
        new("Publishing:ConfirmAbove", false, "Publishing a version whose 24-hour forecast messages more customers than this needs ?confirm= (default 1000; 0: always; -1: never)."),
        new("RateLimits:Window", false, "The fixed window the rate limits count in (hh:mm:ss, default 00:00:01)."),
        new("RateLimits:Events", false, "Requests per window and key to events endpoints (default 10000; 0: no limit)."),
        new("RateLimits:Read", false, "Requests per window and key to read (GET) endpoints (default 1000; 0: no limit)."),
        new("RateLimits:Write", false, "Requests per window and key to write endpoints (default 1000; 0: no limit)."),
        new("RateLimits:Publish", false, "Requests per window and key to publish endpoints (default 100; 0: no limit)."),
        new("RateLimits:Anonymous", false, "Requests per window and client address to the endpoints that need no key (default 1000; 0: no limit)."),
        new("SendGrid:ApiKey", true, "SendGrid API key; empty records email instead of sending it."),
        new("SendGrid:From", false, "Sender used when a message names none, e.g. \"Shop <hello@shop.example>\"."),
        new("SendGrid:WebhookPublicKey", true, "SendGrid Event Webhook verification key (base64 ECDSA P-256); empty disables the webhook."),
        new("Line:ChannelAccessToken", true, "LINE Messaging API channel access token; empty records LINE messages instead."),
        new("Webhook:Url", false, "Where webhook messages are POSTed; empty records them instead."),
        new("Webhook:Secret", true, "HMAC secret signing webhook messages (X-ScenarioEngine-Signature)."),
        new("ServiceBus:ConnectionString", true, "Service Bus connection string for integration events; empty (and no namespace) publishes none."),
        new("ServiceBus:FullyQualifiedNamespace", false, "Instead of a connection string: the namespace (e.g. shop.servicebus.windows.net), reached with Microsoft Entra ID."),
        new("ServiceBus:Topic", false, "The topic integration events are published to (needed when Service Bus is configured)."),
        new("ServiceBus:BufferCapacity", false, "Integration events buffered in memory before new ones are dropped and counted (default 10000)."),
        new("ServiceBus:MaxBatchSize", false, "Most integration events per Service Bus send (default 100)."),
        new("ServiceBus:MaxAttempts", false, "Attempts to send a batch before it is given up and counted as failed (default 10)."),
        new("ServiceBus:MinRetryDelay", false, "First delay between attempts (default 00:00:01), doubling up to MaxRetryDelay."),
        new("ServiceBus:MaxRetryDelay", false, "Longest delay between attempts (default 00:01:00)."),
        new("ServiceBus:ShutdownTimeout", false, "How long a stopping host keeps sending buffered integration events (default 00:00:10)."),
        new("Templates:DataPaths", false, "Extra template data paths (comma-separated, e.g. profile.memberRank,event.sku) publishing accepts."),
        new("Samples:Load", false, "Load samples/messages and samples/segments and publish samples/journeys at start (local runs)."),
        new("Samples:Path", false, "The samples folder (default: samples under the working directory)."),
    ];
}
