namespace ScenarioEngine.Storage.Azure.ServiceBus;

/// <summary>
/// Settings of the "ServiceBus" configuration section: where integration events go. Not configured (no connection string and no
/// namespace) means nothing is published. See docs/integration-events.md.
/// </summary>
public sealed class ServiceBusOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ServiceBus";

    /// <summary>A Service Bus connection string (shared access key); or leave empty and set <see cref="FullyQualifiedNamespace"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The namespace's host name (contoso.servicebus.windows.net), reached with Microsoft Entra ID (DefaultAzureCredential).</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>The topic the events are sent to (required when Service Bus is configured).</summary>
    public string? Topic { get; set; }

    /// <summary>Events held in memory waiting to be sent; when it is full, new events are dropped and counted.</summary>
    public int BufferCapacity { get; set; } = 10_000;

    /// <summary>Events sent in one batch at most (a batch is also bounded by the namespace's message size).</summary>
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>Attempts to send a batch before its events are given up (counted as failed and logged).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The wait after the first failed attempt; doubled after each further one up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a stopping host keeps sending what is buffered.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>True when a connection string or a namespace is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString) || !string.IsNullOrWhiteSpace(FullyQualifiedNamespace);
}
