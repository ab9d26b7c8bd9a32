using Microsoft.Extensions.Hosting;
using ScenarioEngine.Runtime.Integration;

namespace ScenarioEngine.Storage.Azure.ServiceBus;

/// <summary>Runs the Service Bus publisher's background sender for the host's lifetime (nothing when Service Bus is not configured).</summary>
public sealed class ServiceBusIntegrationEventsWorker(IIntegrationEvents integrationEvents) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        integrationEvents is ServiceBusIntegrationEvents publisher ? publisher.RunAsync(stoppingToken) : Task.CompletedTask;
}
