using Azure.Core;

namespace ScenarioEngine.Journeys.AzureStorage;

/// <summary>Settings of the standalone host's Durable Task backend on Azure Storage (Azurite locally).</summary>
public sealed class AzureStorageJourneyBackendOptions
{
    /// <summary>The storage connection string; empty when the backend reaches storage with <see cref="Credential"/>.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The Blob service URI (the task hub's app lease and large messages), with <see cref="Credential"/> instead of a connection string.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>The Queue service URI (control and work-item queues), with <see cref="Credential"/> instead of a connection string.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>The Table service URI (history and instances), with <see cref="Credential"/> instead of a connection string.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>The Microsoft Entra ID credential the three service URIs are reached with; null with a connection string.</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>The task hub name (letters and digits, 3 to 45 characters): the prefix of its queues, tables and containers.</summary>
    public string TaskHubName { get; set; } = "journeys";

    /// <summary>Control-queue partitions (1 to 16): the most hosts that can run orchestrations of the hub at once.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>The longest wait between polls of an idle queue (the backend backs off up to it).</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a task-hub message a worker has taken stays invisible to other workers (control and work-item queues). A worker renews
    /// it while it works; after a crash, the messages it held come back when it runs out, so this is how long a crashed host's
    /// orchestrations and activities wait before another host (or the restarted one) resumes them.
    /// </summary>
    public TimeSpan QueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Keep an orchestration's state in memory between its episodes (Durable Task's extended sessions), up to
    /// <see cref="ExtendedSessionIdleTimeout"/> after its last one: an activity's result or a short wait's timer then resumes the
    /// instance without reading its history back from the history table or replaying it. Durable Task extends at most half of the
    /// concurrently running orchestrations (<see cref="MaxConcurrentOrchestrations"/>), so instances beyond them still start at once.
    /// </summary>
    public bool ExtendedSessions { get; set; } = true;

    /// <summary>How long an extended session waits for its instance's next message before it gives up its state (1 s to 10 min).</summary>
    public TimeSpan ExtendedSessionIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many activities (sends, record batches, profile reads) this host runs at once (1 to 1000; DurableTask.AzureStorage's own
    /// default is 10). They wait on storage and on the providers' APIs, not on the processor: at 10, a provider answering in 200 ms caps
    /// a host at 50 sends a second.
    /// </summary>
    public int MaxConcurrentActivities { get; set; } = 100;

    /// <summary>
    /// How many orchestration episodes this host runs at once (1 to 1000; DurableTask.AzureStorage's own default is 100). Durable Task
    /// keeps at most half of them as extended sessions, so this also bounds how many instances resume from memory.
    /// </summary>
    public int MaxConcurrentOrchestrations { get; set; } = 200;

    /// <summary>Called on the options of the blob, queue and table clients the backend makes (e.g. to add a pipeline policy).</summary>
    public Action<ClientOptions>? ConfigureClientOptions { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is missing or out of range.</summary>
    public void Validate()
    {
        ValidateConnection();

        if (string.IsNullOrWhiteSpace(TaskHubName) || TaskHubName.Length is < 3 or > 45 || !TaskHubName.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(TaskHubName[0]))
        {
            throw new ArgumentException($"Journeys:TaskHubName must be 3 to 45 letters and digits starting with a letter, got '{TaskHubName}'.", nameof(TaskHubName));
        }

        if (PartitionCount is < 1 or > 16)
        {
            throw new ArgumentException($"Journeys:PartitionCount must be 1 to 16, got {PartitionCount}.", nameof(PartitionCount));
        }

        if (QueueVisibilityTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"Journeys:QueueVisibilityTimeout must be at least one second, got {QueueVisibilityTimeout}.", nameof(QueueVisibilityTimeout));
        }

        if (ExtendedSessionIdleTimeout < TimeSpan.FromSeconds(1) || ExtendedSessionIdleTimeout > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException($"Journeys:ExtendedSessionIdleTimeout must be from 00:00:01 to 00:10:00, got {ExtendedSessionIdleTimeout}.", nameof(ExtendedSessionIdleTimeout));
        }

        if (MaxConcurrentActivities is < 1 or > 1000)
        {
            throw new ArgumentException($"Journeys:MaxConcurrentActivities must be 1 to 1000, got {MaxConcurrentActivities}.", nameof(MaxConcurrentActivities));
        }

        if (MaxConcurrentOrchestrations is < 1 or > 1000)
        {
            throw new ArgumentException($"Journeys:MaxConcurrentOrchestrations must be 1 to 1000, got {MaxConcurrentOrchestrations}.", nameof(MaxConcurrentOrchestrations));
        }

        if (MaxQueuePollingInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("Journeys:MaxQueuePollingInterval must be positive.", nameof(MaxQueuePollingInterval));
        }
    }

    private void ValidateConnection()
    {
        var identity = Credential is not null || BlobServiceUri is not null || QueueServiceUri is not null || TableServiceUri is not null;
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            if (identity)
            {
                throw new ArgumentException(
                    "The journey backend has both a storage connection string and Microsoft Entra ID settings (service URIs or a credential): give one.",
                    nameof(ConnectionString));
            }

            return;
        }

        if (!identity)
        {
            throw new ArgumentException(
                "The journey backend needs a storage connection string, or the blob, queue and table service URIs with a Microsoft Entra ID " +
                "credential (AzureWebJobsStorage, or AzureWebJobsStorage__accountName).",
                nameof(ConnectionString));
        }

        foreach (var (uri, setting) in new[] { (BlobServiceUri, nameof(BlobServiceUri)), (QueueServiceUri, nameof(QueueServiceUri)), (TableServiceUri, nameof(TableServiceUri)) })
        {
            if (uri is null || !uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new ArgumentException(
                    $"The journey backend's {setting} must be an absolute https URI: with Microsoft Entra ID it reaches the blob, queue and table services by their URIs.",
                    setting);
            }
        }

        if (Credential is null)
        {
            throw new ArgumentException("The journey backend's Credential is not set: the service URIs are reached with a Microsoft Entra ID credential.", nameof(Credential));
        }
    }
}
