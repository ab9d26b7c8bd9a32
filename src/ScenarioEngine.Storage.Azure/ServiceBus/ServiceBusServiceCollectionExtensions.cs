using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScenarioEngine.Runtime.Integration;

namespace ScenarioEngine.Storage.Azure.ServiceBus;

/// <summary>Registers integration events: to Service Bus when the "ServiceBus" section is configured, nowhere otherwise.</summary>
public static class ServiceBusServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates (at start) <see cref="ServiceBusOptions"/>, and registers <see cref="IIntegrationEvents"/>: a
    /// <see cref="ServiceBusIntegrationEvents"/> over the configured topic with its background sender, or
    /// <see cref="NoIntegrationEvents"/> when no connection string or namespace is set.
    /// </summary>
    public static IServiceCollection AddServiceBusIntegrationEvents(this IServiceCollection services)
    {
        services.AddOptions<ServiceBusOptions>().BindConfiguration(ServiceBusOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceBusOptions>, ServiceBusOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ServiceBusOptions>>().Value;
            return string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new ServiceBusClient(options.FullyQualifiedNamespace, new DefaultAzureCredential())
                : new ServiceBusClient(options.ConnectionString);
        });
        services.TryAddSingleton<IIntegrationEvents>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ServiceBusOptions>>().Value;
            if (!options.IsConfigured)
            {
                return NoIntegrationEvents.Instance;
            }

            var client = sp.GetRequiredService<ServiceBusClient>();
            var logger = sp.GetRequiredService<ILogger<ServiceBusIntegrationEvents>>();
            Log.Publishing(logger, options.Topic!, client.FullyQualifiedNamespace);
            return new ServiceBusIntegrationEvents(client.CreateSender(options.Topic), options, sp.GetRequiredService<TimeProvider>(), logger);
        });
        services.AddHostedService<ServiceBusIntegrationEventsWorker>();
        return services;
    }
}
