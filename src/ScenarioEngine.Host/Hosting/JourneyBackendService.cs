using Microsoft.Extensions.Options;
using ScenarioEngine.Api;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Journeys;
using ScenarioEngine.Journeys.AzureStorage;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Storage.Azure;

namespace ScenarioEngine.Host.Hosting;

/// <summary>
/// The standalone host's Durable Task side: on start, the journey orchestrator and its activities run on DurableTask.AzureStorage
/// against the storage account (Azurite locally), or on the in-memory orchestration service when storage is "memory"; a process
/// without workers (Engine:Workers false) only connects the client. It is the host's <see cref="IJourneyInstances"/> (ingest starts
/// and raises through it, erasure terminates), usable once started; hosted services start in order, so it is registered first.
/// </summary>
public sealed class JourneyBackendService(
    IServiceProvider services, HostMode mode, IOptions<AzureStorageJourneyBackendOptions> options, ILoggerFactory loggers)
    : IJourneyInstances, IHostedService, IAsyncDisposable
{
    private DurableTaskJourneyBackend? _backend;

    private DurableTaskJourneyBackend Backend =>
        _backend ?? throw new InvalidOperationException("The journey backend has not started yet (it starts with the host).");

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (mode.Storage == HostSettings.MemoryStorage)
        {
            _backend = await DurableTaskJourneyBackend.StartInMemoryAsync(DurableTaskSet.Journeys(), services, loggers).ConfigureAwait(false);
            return;
        }

        // The task hub lives in the engine's own storage account, reached as the engine's clients reach it.
        var connection = services.GetRequiredService<StorageConnection>();
        var settings = options.Value;
        settings.ConnectionString = connection.ConnectionString ?? string.Empty;
        settings.Credential = connection.Credential;
        settings.TableServiceUri = connection.TableServiceUri;
        settings.QueueServiceUri = connection.QueueServiceUri;
        settings.BlobServiceUri = connection.ConnectionString is null ? connection.RequireBlobServiceUri() : null;

        _backend = mode.Workers
            ? await DurableTaskJourneyBackend.StartOnAzureStorageAsync(settings, DurableTaskSet.Journeys(), services, loggers).ConfigureAwait(false)
            : await DurableTaskJourneyBackend.ConnectToAzureStorageAsync(settings, loggers).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the Durable Task worker within the host's shutdown timeout: with storage gone (Azurite stopped first), the worker would
    /// retry its lease writes without end and the process would never exit; instead it logs 4021 and exits, and what the worker held
    /// comes back after Journeys:QueueVisibilityTimeout.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_backend is { } backend)
        {
            _backend = null;
            try
            {
                await backend.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Log.BackendStopAbandoned(loggers.CreateLogger<JourneyBackendService>(), options.Value.QueueVisibilityTimeout);
            }
        }
    }

    /// <inheritdoc />
    public Task StartAsync(JourneyStart start, CancellationToken cancellationToken = default) => Backend.StartAsync(start, cancellationToken);

    /// <inheritdoc />
    public Task RaiseAsync(string instanceId, JourneyEventDelivery delivery, CancellationToken cancellationToken = default) =>
        Backend.RaiseAsync(instanceId, delivery, cancellationToken);

    /// <inheritdoc />
    public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default) =>
        Backend.TerminateAsync(instanceId, reason, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _backend?.DisposeAsync() ?? ValueTask.CompletedTask;
}
