using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScenarioEngine.Runtime.Integration;
using ScenarioEngine.Storage.Azure.ServiceBus;

namespace ScenarioEngine.Storage.Azure.Tests.ServiceBus;

/// <summary>The "ServiceBus" section: validated at start with messages naming the setting; not configured publishes nothing.</summary>
public sealed class ServiceBusOptionsTests
{
    private const string ConnectionString = "Endpoint=sb://shop.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0LWtleQ==";

    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddServiceBusIntegrationEvents();
        return services.BuildServiceProvider();
    }

    private static IReadOnlyList<string> Errors(params (string Key, string Value)[] settings)
    {
        using var services = Services(settings);
        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ServiceBusOptions>>().Value);
        return ex.Failures.ToList();
    }

    [Fact]
    public void AddServiceBusIntegrationEvents_NotConfigured_PublishesNothing()
    {
        using var services = Services();

        Assert.Same(NoIntegrationEvents.Instance, services.GetRequiredService<IIntegrationEvents>());
        Assert.False(services.GetRequiredService<IOptions<ServiceBusOptions>>().Value.IsConfigured);
    }

    [Fact]
    public async Task AddServiceBusIntegrationEvents_ConnectionStringAndTopic_PublishesToServiceBus()
    {
        // The client only implements IAsyncDisposable: the container is disposed asynchronously, as the host does.
        await using var services = Services(("ServiceBus:ConnectionString", ConnectionString), ("ServiceBus:Topic", "engine-events"));

        var publisher = Assert.IsType<ServiceBusIntegrationEvents>(services.GetRequiredService<IIntegrationEvents>());
        Assert.Equal(0, publisher.Buffered);
        Assert.Single(services.GetServices<IHostedService>().OfType<ServiceBusIntegrationEventsWorker>());
    }

    [Fact]
    public async Task AddServiceBusIntegrationEvents_NamespaceAndTopic_PublishesWithEntraId()
    {
        // The client only implements IAsyncDisposable: the container is disposed asynchronously, as the host does.
        await using var services = Services(("ServiceBus:FullyQualifiedNamespace", "shop.servicebus.windows.net"), ("ServiceBus:Topic", "engine-events"));

        Assert.IsType<ServiceBusIntegrationEvents>(services.GetRequiredService<IIntegrationEvents>());
        Assert.Equal("shop.servicebus.windows.net", services.GetRequiredService<global::Azure.Messaging.ServiceBus.ServiceBusClient>().FullyQualifiedNamespace);
    }

    [Fact]
    public void Validate_ConnectionStringWithoutTopic_NamesTheTopicSetting()
    {
        var error = Assert.Single(Errors(("ServiceBus:ConnectionString", ConnectionString)));

        Assert.StartsWith("ServiceBus:Topic is required", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BothConnectionStringAndNamespace_AsksForOne()
    {
        var error = Assert.Single(Errors(("ServiceBus:ConnectionString", ConnectionString), ("ServiceBus:FullyQualifiedNamespace", "shop.servicebus.windows.net"),
            ("ServiceBus:Topic", "t")));

        Assert.Contains("ServiceBus:ConnectionString and ServiceBus:FullyQualifiedNamespace are both set", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NamespaceWithScheme_ExpectsAHostName()
    {
        var error = Assert.Single(Errors(("ServiceBus:FullyQualifiedNamespace", "sb://shop.servicebus.windows.net/"), ("ServiceBus:Topic", "t")));

        Assert.StartsWith("ServiceBus:FullyQualifiedNamespace must be a host name", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ConnectionStringNotParseable_SaysSoWithoutEchoingIt()
    {
        var error = Assert.Single(Errors(("ServiceBus:ConnectionString", "SharedAccessKey=very-secret-value;no endpoint here"), ("ServiceBus:Topic", "t")));

        Assert.StartsWith("ServiceBus:ConnectionString", error, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-value", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadLimits_NameEachSetting()
    {
        var errors = Errors(("ServiceBus:BufferCapacity", "0"), ("ServiceBus:MaxBatchSize", "-1"), ("ServiceBus:MaxAttempts", "0"),
            ("ServiceBus:MinRetryDelay", "00:01:00"), ("ServiceBus:MaxRetryDelay", "00:00:01"));

        Assert.Equal(
            ["ServiceBus:BufferCapacity", "ServiceBus:MaxBatchSize", "ServiceBus:MaxAttempts", "ServiceBus:MaxRetryDelay"],
            errors.Select(e => e.Split(' ')[0]));
    }
}
