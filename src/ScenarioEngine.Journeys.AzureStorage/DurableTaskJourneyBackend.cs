using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Worker.Shims;
using ScenarioEngine.Journeys.Ports;
using Microsoft.Extensions.Logging;

namespace ScenarioEngine.Journeys.AzureStorage;

/// <summary>
/// Runs the journey orchestrator and its activities in a plain process, on DurableTask.AzureStorage (the backend Durable Functions
/// uses; Azurite locally) or, for the in-memory storage mode, on the in-memory orchestration service of
/// Microsoft.DurableTask.InProcessTestHost: DurableTask.Core's <see cref="TaskHubWorker"/> with the Microsoft.DurableTask classes
/// adapted by the worker's public <see cref="DurableTaskShimFactory"/>, and Core's <see cref="TaskHubClient"/> writing
/// System.Text.Json; the client side is this class's <see cref="IJourneyInstances"/>. On Azure Storage, ExecutionStarted
/// de-duplication is off: with it on, a start message dequeued before its Instances row is written is abandoned for later while an
/// event raised right after the start is processed first, finds no instance and is discarded. Off, the start runs at once and the
/// event follows it; a second start message for a running instance is still dropped by the Core dispatcher ("duplicate start").
/// </summary>
public sealed class DurableTaskJourneyBackend : IJourneyInstances, IAsyncDisposable
{
    private static readonly OrchestrationStatus[] RunningStatuses = [OrchestrationStatus.Running, OrchestrationStatus.Pending];

    private readonly TaskHubWorker? _worker;
    private readonly TaskHubClient _client;
    private Task? _stopping;

    private DurableTaskJourneyBackend(TaskHubWorker? worker, TaskHubClient client)
    {
        _worker = worker;
        _client = client;
    }

    /// <summary>The settings the backend runs with (for the record: the figures in docs/performance.md were measured with them).</summary>
    public static AzureStorageOrchestrationServiceSettings Settings(AzureStorageJourneyBackendOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var blob = new BlobClientOptions();
        var queue = new QueueClientOptions();
        var table = new TableClientOptions();
        options.ConfigureClientOptions?.Invoke(blob);
        options.ConfigureClientOptions?.Invoke(queue);
        options.ConfigureClientOptions?.Invoke(table);
        return new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHubName,
            PartitionCount = options.PartitionCount,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            ControlQueueVisibilityTimeout = options.QueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.QueueVisibilityTimeout,
            LoggerFactory = loggerFactory,
            DisableExecutionStartedDeduplication = true,
            ExtendedSessionsEnabled = options.ExtendedSessions,
            ExtendedSessionIdleTimeout = options.ExtendedSessionIdleTimeout,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrations,

            // The partition leases are owned by worker id (the machine name by default): two host processes on one machine must
            // not look like one owner.
            WorkerId = $"{Environment.MachineName}-{Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            StorageAccountClientProvider = string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new StorageAccountClientProvider(
                    StorageServiceClientProvider.ForBlob(options.BlobServiceUri!, options.Credential!, blob),
                    StorageServiceClientProvider.ForQueue(options.QueueServiceUri!, options.Credential!, queue),
                    StorageServiceClientProvider.ForTable(options.TableServiceUri!, options.Credential!, table))
                : new StorageAccountClientProvider(
                    StorageServiceClientProvider.ForBlob(options.ConnectionString, blob),
                    StorageServiceClientProvider.ForQueue(options.ConnectionString, queue),
                    StorageServiceClientProvider.ForTable(options.ConnectionString, table)),
        };
    }

    /// <summary>Creates the task hub if needed and starts the worker on <paramref name="tasks"/>, made from <paramref name="services"/>.</summary>
    public static Task<DurableTaskJourneyBackend> StartOnAzureStorageAsync(
        AzureStorageJourneyBackendOptions options, DurableTaskSet tasks, IServiceProvider services, ILoggerFactory loggerFactory) =>
        StartOnAzureStorageAsync(Settings(options, loggerFactory), tasks, services, loggerFactory);

    /// <summary>Only the client side on Azure Storage (a process that starts and signals instances but runs none: no worker).</summary>
    public static async Task<DurableTaskJourneyBackend> ConnectToAzureStorageAsync(AzureStorageJourneyBackendOptions options, ILoggerFactory loggerFactory)
    {
        var service = new AzureStorageOrchestrationService(Settings(options, loggerFactory));
        await service.CreateIfNotExistsAsync().ConfigureAwait(false);
        return new DurableTaskJourneyBackend(null, new TaskHubClient(service, new SystemTextJsonDataConverter(), loggerFactory));
    }

    /// <summary>Starts on explicit backend settings (benchmarks compare shapes on other settings).</summary>
    public static async Task<DurableTaskJourneyBackend> StartOnAzureStorageAsync(
        AzureStorageOrchestrationServiceSettings settings, DurableTaskSet tasks, IServiceProvider services, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var service = new AzureStorageOrchestrationService(settings);

        // The worker does not create the hub's queues and tables itself.
        await service.CreateIfNotExistsAsync().ConfigureAwait(false);
        return await StartAsync(service, service, tasks, services, loggerFactory).ConfigureAwait(false);
    }

    /// <summary>Starts on an in-memory orchestration service (nothing survives the process; for the in-memory storage mode and tests).</summary>
    public static Task<DurableTaskJourneyBackend> StartInMemoryAsync(DurableTaskSet tasks, IServiceProvider services, ILoggerFactory loggerFactory)
    {
        var service = new InMemoryOrchestrationService(loggerFactory);
        return StartAsync(service, service, tasks, services, loggerFactory);
    }

    private static async Task<DurableTaskJourneyBackend> StartAsync(
        IOrchestrationService service, IOrchestrationServiceClient client, DurableTaskSet tasks, IServiceProvider services, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(services);
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions(), loggerFactory);
        var worker = new TaskHubWorker(service, loggerFactory);
        worker.AddTaskOrchestrations(tasks.Orchestrators
            .Select(o => (ObjectCreator<TaskOrchestration>)new NamedCreator<TaskOrchestration>(o.Key, () => shims.CreateOrchestration(new TaskName(o.Key), o.Value(services))))
            .ToArray());
        worker.AddTaskActivities(tasks.Activities
            .Select(a => (ObjectCreator<TaskActivity>)new NamedCreator<TaskActivity>(a.Key, () => shims.CreateActivity(new TaskName(a.Key), a.Value(services))))
            .ToArray());
        await worker.StartAsync().ConfigureAwait(false);
        return new DurableTaskJourneyBackend(worker, new TaskHubClient(client, new SystemTextJsonDataConverter(), loggerFactory));
    }

    /// <inheritdoc />
    public async Task StartAsync(JourneyStart start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.Validate();
        try
        {
            await _client.CreateOrchestrationInstanceAsync(JourneyOrchestrator.Name, string.Empty, start.InstanceId, start, null, RunningStatuses).ConfigureAwait(false);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // The in-memory service refuses a start for a running id (Azure Storage drops it): either way the instance runs once.
        }
    }

    /// <summary>Starts any registered orchestration.</summary>
    public Task StartAsync(string name, string instanceId, object input) =>
        _client.CreateOrchestrationInstanceAsync(name, string.Empty, instanceId, input);

    /// <inheritdoc />
    public Task RaiseAsync(string instanceId, JourneyEventDelivery delivery, CancellationToken cancellationToken = default) =>
        _client.RaiseEventAsync(new OrchestrationInstance { InstanceId = instanceId }, JourneyEvents.Name, delivery);

    /// <inheritdoc />
    public async Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default)
    {
        var state = await _client.GetOrchestrationStateAsync(instanceId).ConfigureAwait(false);
        if (state?.OrchestrationStatus is OrchestrationStatus.Running or OrchestrationStatus.Pending or OrchestrationStatus.Suspended)
        {
            await _client.TerminateInstanceAsync(new OrchestrationInstance { InstanceId = instanceId }, reason).ConfigureAwait(false);
        }
    }

    /// <summary>The stored state of an instance (status, output), or null.</summary>
    public Task<OrchestrationState?> GetStateAsync(string instanceId) => _client.GetOrchestrationStateAsync(instanceId)!;

    /// <summary>
    /// Stops the worker: it finishes the work items it holds and gives up its task-hub leases. Throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first (storage unreachable at shutdown,
    /// where DurableTask.AzureStorage retries its lease writes without end): the caller goes on, and the messages the worker held come
    /// back to the task hub after their visibility timeout.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_worker is null)
        {
            return Task.CompletedTask;
        }

        _stopping ??= _worker.StopAsync(true);
        return _stopping.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);
}
