using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Logging;

namespace ScenarioEngine.Journeys.AzureStorage;

/// <summary>
/// Runs the journey orchestrator and its activities on DurableTask.AzureStorage (the backend Durable Functions uses) in a plain
/// process: DurableTask.Core's <see cref="TaskHubWorker"/> with the Microsoft.DurableTask classes adapted by the worker's public
/// <see cref="DurableTaskShimFactory"/>, and Core's <see cref="TaskHubClient"/> writing System.Text.Json. ExecutionStarted
/// de-duplication is off: with it on, a start message dequeued before its Instances row is written is abandoned for later while an
/// event raised right after the start is processed first, finds no instance and is discarded. Off, the start runs at once and the
/// event follows it; a second start message for a running instance is still dropped by the Core dispatcher ("duplicate start").
/// </summary>
public sealed class AzureStorageJourneyBackend : IAsyncDisposable
{
    private static readonly OrchestrationStatus[] RunningStatuses = [OrchestrationStatus.Running, OrchestrationStatus.Pending];

    private readonly TaskHubWorker _worker;
    private readonly TaskHubClient _client;

    private AzureStorageJourneyBackend(TaskHubWorker worker, TaskHubClient client)
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
            LoggerFactory = loggerFactory,
            DisableExecutionStartedDeduplication = true,
            StorageAccountClientProvider = new StorageAccountClientProvider(
                StorageServiceClientProvider.ForBlob(options.ConnectionString, blob),
                StorageServiceClientProvider.ForQueue(options.ConnectionString, queue),
                StorageServiceClientProvider.ForTable(options.ConnectionString, table)),
        };
    }

    /// <summary>Creates the task hub if needed and starts the worker on <paramref name="tasks"/>, made from <paramref name="services"/>.</summary>
    public static Task<AzureStorageJourneyBackend> StartAsync(
        AzureStorageJourneyBackendOptions options, DurableTaskSet tasks, IServiceProvider services, ILoggerFactory loggerFactory) =>
        StartAsync(Settings(options, loggerFactory), tasks, services, loggerFactory);

    /// <summary>Starts on explicit backend settings (benchmarks compare shapes on other settings).</summary>
    public static async Task<AzureStorageJourneyBackend> StartAsync(
        AzureStorageOrchestrationServiceSettings settings, DurableTaskSet tasks, IServiceProvider services, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(services);
        var service = new AzureStorageOrchestrationService(settings);

        // The worker does not create the hub's queues and tables itself.
        await service.CreateIfNotExistsAsync().ConfigureAwait(false);
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions(), loggerFactory);
        var worker = new TaskHubWorker(service, loggerFactory);
        worker.AddTaskOrchestrations(tasks.Orchestrators
            .Select(o => (ObjectCreator<TaskOrchestration>)new NamedCreator<TaskOrchestration>(o.Key, () => shims.CreateOrchestration(new TaskName(o.Key), o.Value(services))))
            .ToArray());
        worker.AddTaskActivities(tasks.Activities
            .Select(a => (ObjectCreator<TaskActivity>)new NamedCreator<TaskActivity>(a.Key, () => shims.CreateActivity(new TaskName(a.Key), a.Value(services))))
            .ToArray());
        await worker.StartAsync().ConfigureAwait(false);
        return new AzureStorageJourneyBackend(worker, new TaskHubClient(service, new SystemTextJsonDataConverter(), loggerFactory));
    }

    /// <summary>Starts a journey instance under its deterministic id; a start for an id already running or pending is dropped.</summary>
    public Task StartJourneyAsync(JourneyStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.Validate();
        return _client.CreateOrchestrationInstanceAsync(JourneyOrchestrator.Name, string.Empty, start.InstanceId, start, null, RunningStatuses);
    }

    /// <summary>Starts any registered orchestration.</summary>
    public Task StartAsync(string name, string instanceId, object input) =>
        _client.CreateOrchestrationInstanceAsync(name, string.Empty, instanceId, input);

    /// <summary>Raises a customer event to a running instance (see <see cref="JourneyEvents"/>).</summary>
    public Task RaiseAsync(string instanceId, JourneyEventDelivery delivery) =>
        _client.RaiseEventAsync(new OrchestrationInstance { InstanceId = instanceId }, JourneyEvents.Name, delivery);

    /// <summary>The stored state of an instance (status, output), or null.</summary>
    public Task<OrchestrationState?> GetStateAsync(string instanceId) => _client.GetOrchestrationStateAsync(instanceId)!;

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _worker.StopAsync(true).ConfigureAwait(false);
}
