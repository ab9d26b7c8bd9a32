using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Journeys.Hosting;

/// <summary>
/// <see cref="IJourneyInstances"/> over a Microsoft.DurableTask <see cref="DurableTaskClient"/> (the Functions extension's client,
/// or any gRPC client). A start asks the backend to refuse an id that is pending, running or suspended
/// (<see cref="StartOrchestrationOptions.DedupeStatuses"/>) and takes its refusal as "already started"; backends that apply their
/// own policy instead (the Durable Functions host applies host.json's overridableExistingInstanceStates) answer the same way.
/// With <see cref="JourneyInstancesOptions.WaitForStartBeforeRaise"/>, an event is raised only once its instance has left Pending:
/// the Azure Storage backend can discard an event that overtakes its instance's start message (see docs/functions.md).
/// </summary>
public sealed class DurableTaskClientJourneyInstances : IJourneyInstances
{
    private static readonly OrchestrationRuntimeStatus[] Live =
        [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended];

    private readonly DurableTaskClient _client;
    private readonly JourneyInstancesOptions _options;
    private readonly ILogger _logger;

    /// <summary>Uses <paramref name="client"/> with these options.</summary>
    public DurableTaskClientJourneyInstances(DurableTaskClient client, JourneyInstancesOptions options, ILogger<DurableTaskClientJourneyInstances> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _client = client;
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task StartAsync(JourneyStart start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.Validate();
        var options = new StartOrchestrationOptions(start.InstanceId).WithDedupeStatuses(Live);
        try
        {
            await _client.ScheduleNewOrchestrationInstanceAsync(JourneyOrchestrator.Name, start, options, cancellationToken).ConfigureAwait(false);
            Log.InstanceStarted(_logger, start.InstanceId);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            Log.InstanceAlreadyStarted(_logger, start.InstanceId);
        }
    }

    /// <inheritdoc />
    public async Task RaiseAsync(string instanceId, JourneyEventDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        ArgumentNullException.ThrowIfNull(delivery);
        if (_options.WaitForStartBeforeRaise)
        {
            await WaitForStartAsync(instanceId, cancellationToken).ConfigureAwait(false);
        }

        await _client.RaiseEventAsync(instanceId, JourneyEvents.Name, delivery, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);

        // Read first: backends differ on terminating an id that has no live instance (some ignore it, some fail the call).
        var instance = await _client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
        if (instance is null || !Live.Contains(instance.RuntimeStatus))
        {
            Log.NothingToTerminate(_logger, instanceId, instance?.RuntimeStatus.ToString() ?? "no instance");
            return;
        }

        await _client.TerminateInstanceAsync(instanceId, new TerminateInstanceOptions(reason), cancellationToken).ConfigureAwait(false);
        Log.InstanceTerminated(_logger, instanceId, reason);
    }

    private async Task WaitForStartAsync(string instanceId, CancellationToken cancellationToken)
    {
        var instance = await _client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
        if (instance?.RuntimeStatus != OrchestrationRuntimeStatus.Pending)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.StartWaitTimeout);
        try
        {
            await _client.WaitForInstanceStartAsync(instanceId, getInputsAndOutputs: false, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Journey instance {instanceId} was still pending after {_options.StartWaitTimeout}; the event is not raised before its start is processed (the caller retries).");
        }
    }
}
