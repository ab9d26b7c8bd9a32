using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using ScenarioEngine.Journeys;
using ScenarioEngine.Journeys.Hosting;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Functions.Journeys;

/// <summary>
/// The Functions app's <see cref="IJourneyInstances"/> (a singleton, so shared code takes it from DI like any other service). The
/// isolated worker has no client outside a function's [DurableClient] binding, so every HTTP, queue and timer function binds one and
/// hands it over with <see cref="Use"/> before it calls the shared code. All bindings of the app reach the same task hub through the
/// extension's cached gRPC channel, so the latest client serves every caller.
/// </summary>
public sealed class FunctionsJourneyInstances(IOptions<JourneyInstancesOptions> options, ILogger<DurableTaskClientJourneyInstances> logger) : IJourneyInstances
{
    private volatile IJourneyInstances? _current;

    /// <summary>Takes the client a function was bound with.</summary>
    public void Use(DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _current = new DurableTaskClientJourneyInstances(client, options.Value, logger);
    }

    /// <inheritdoc />
    public Task StartAsync(JourneyStart start, CancellationToken cancellationToken = default) => Current.StartAsync(start, cancellationToken);

    /// <inheritdoc />
    public Task RaiseAsync(string instanceId, JourneyEventDelivery delivery, CancellationToken cancellationToken = default) =>
        Current.RaiseAsync(instanceId, delivery, cancellationToken);

    /// <inheritdoc />
    public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default) =>
        Current.TerminateAsync(instanceId, reason, cancellationToken);

    private IJourneyInstances Current => _current ?? throw new InvalidOperationException(
        "No Durable Task client yet: journey instances are reached from inside a function that binds [DurableClient] and calls FunctionsJourneyInstances.Use first.");
}
