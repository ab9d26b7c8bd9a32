using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ScenarioEngine.Functions.Journeys;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Functions.Queues;

/// <summary>
/// Queue triggers over the engine's events queues, each handing its message to <see cref="JourneyEngine.HandleQueueMessageAsync"/>,
/// which applies the events to the customers' partitions and starts or signals their journey orchestrations, exactly as the
/// standalone pumps do. host.json's
/// queues section decodes the Base64 the engine writes, retries a failed message and moves it to &lt;queue&gt;-poison after
/// maxDequeueCount deliveries.
/// <para>
/// Functions triggers are static, so there is one function per possible events queue, Events0 to Events15, on
/// "%Engine:QueuePrefix%-events-N"; those at or past Engine:EventQueueCount are turned off with the app setting
/// AzureWebJobs.EventsN.Disabled=true (infra/main.bicep writes them, <see cref="EventQueueFunctionsValidator"/> refuses to start
/// when one below the count is off).
/// </para>
/// <para>Each binds the Durable Task client and hands it to <see cref="FunctionsJourneyInstances"/> before the engine runs.</para>
/// </summary>
public sealed class QueueFunctions(JourneyEngine engine, FunctionsJourneyInstances instances, ILogger<QueueFunctions> logger)
{
    /// <summary>How many events queues the Functions app can bind: Events0 to Events15.</summary>
    public const int MaxEventQueues = 16;

    /// <summary>The prefix of the events-queue functions' names.</summary>
    public const string EventsPrefix = "Events";

    /// <summary>Events queue 0.</summary>
    [Function(nameof(Events0))]
    public Task Events0([QueueTrigger("%Engine:QueuePrefix%-events-0", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events0), engine.Options.EventQueue(0), message, client, cancellationToken);

    /// <summary>Events queue 1.</summary>
    [Function(nameof(Events1))]
    public Task Events1([QueueTrigger("%Engine:QueuePrefix%-events-1", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events1), engine.Options.EventQueue(1), message, client, cancellationToken);

    /// <summary>Events queue 2.</summary>
    [Function(nameof(Events2))]
    public Task Events2([QueueTrigger("%Engine:QueuePrefix%-events-2", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events2), engine.Options.EventQueue(2), message, client, cancellationToken);

    /// <summary>Events queue 3.</summary>
    [Function(nameof(Events3))]
    public Task Events3([QueueTrigger("%Engine:QueuePrefix%-events-3", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events3), engine.Options.EventQueue(3), message, client, cancellationToken);

    /// <summary>Events queue 4.</summary>
    [Function(nameof(Events4))]
    public Task Events4([QueueTrigger("%Engine:QueuePrefix%-events-4", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events4), engine.Options.EventQueue(4), message, client, cancellationToken);

    /// <summary>Events queue 5.</summary>
    [Function(nameof(Events5))]
    public Task Events5([QueueTrigger("%Engine:QueuePrefix%-events-5", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events5), engine.Options.EventQueue(5), message, client, cancellationToken);

    /// <summary>Events queue 6.</summary>
    [Function(nameof(Events6))]
    public Task Events6([QueueTrigger("%Engine:QueuePrefix%-events-6", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events6), engine.Options.EventQueue(6), message, client, cancellationToken);

    /// <summary>Events queue 7.</summary>
    [Function(nameof(Events7))]
    public Task Events7([QueueTrigger("%Engine:QueuePrefix%-events-7", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events7), engine.Options.EventQueue(7), message, client, cancellationToken);

    /// <summary>Events queue 8.</summary>
    [Function(nameof(Events8))]
    public Task Events8([QueueTrigger("%Engine:QueuePrefix%-events-8", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events8), engine.Options.EventQueue(8), message, client, cancellationToken);

    /// <summary>Events queue 9.</summary>
    [Function(nameof(Events9))]
    public Task Events9([QueueTrigger("%Engine:QueuePrefix%-events-9", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events9), engine.Options.EventQueue(9), message, client, cancellationToken);

    /// <summary>Events queue 10.</summary>
    [Function(nameof(Events10))]
    public Task Events10([QueueTrigger("%Engine:QueuePrefix%-events-10", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events10), engine.Options.EventQueue(10), message, client, cancellationToken);

    /// <summary>Events queue 11.</summary>
    [Function(nameof(Events11))]
    public Task Events11([QueueTrigger("%Engine:QueuePrefix%-events-11", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events11), engine.Options.EventQueue(11), message, client, cancellationToken);

    /// <summary>Events queue 12.</summary>
    [Function(nameof(Events12))]
    public Task Events12([QueueTrigger("%Engine:QueuePrefix%-events-12", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events12), engine.Options.EventQueue(12), message, client, cancellationToken);

    /// <summary>Events queue 13.</summary>
    [Function(nameof(Events13))]
    public Task Events13([QueueTrigger("%Engine:QueuePrefix%-events-13", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events13), engine.Options.EventQueue(13), message, client, cancellationToken);

    /// <summary>Events queue 14.</summary>
    [Function(nameof(Events14))]
    public Task Events14([QueueTrigger("%Engine:QueuePrefix%-events-14", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events14), engine.Options.EventQueue(14), message, client, cancellationToken);

    /// <summary>Events queue 15.</summary>
    [Function(nameof(Events15))]
    public Task Events15([QueueTrigger("%Engine:QueuePrefix%-events-15", Connection = HostSettings.Storage)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HandleAsync(nameof(Events15), engine.Options.EventQueue(15), message, client, cancellationToken);

    private async Task HandleAsync(string function, string queue, string message, DurableTaskClient client, CancellationToken cancellationToken)
    {
        instances.Use(client);
        try
        {
            await engine.HandleQueueMessageAsync(queue, message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Rethrown: the Functions host leaves the message on its queue to be delivered again (and poisoned after maxDequeueCount).
            Log.QueueMessageFailed(logger, function, queue, ex);
            throw;
        }
    }
}
