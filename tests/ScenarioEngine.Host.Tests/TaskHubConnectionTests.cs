using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ScenarioEngine.Journeys.AzureStorage;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Storage.Azure;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>
/// The standalone host's Durable Task hub reaches storage through the engine's own <c>AzureWebJobsStorage</c> connection, Microsoft
/// Entra ID included. The engine's tables and queues are in memory here and the task hub's clients run on a fake transport (the
/// Journeys tests run the backend on Entra ID against Azurite with basic OAuth over https).
/// </summary>
public sealed class TaskHubConnectionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Start_EntraAccountName_TaskHubSendsTheConnectionsTokenToTheAccountsServices()
    {
        var settings = EntraSettings(("AzureWebJobsStorage:accountName", "shopdata"));
        var transport = new EmptyStorageAccountHandler();
        var credential = new FixedTokenCredential("host-token");

        await using var host = await TestHost.StartAsync(output, settings, configureBuilder: b =>
        {
            EngineInMemory(b);
            b.Services.Replace(ServiceDescriptor.Singleton(StorageConnection.FromConfiguration(b.Configuration, credential: credential)));
            b.Services.Configure<AzureStorageJourneyBackendOptions>(o => o.ConfigureClientOptions = c =>
            {
                c.Transport = new HttpClientTransport(transport);
                c.Retry.MaxRetries = 0;
            });
        });

        var requests = transport.Requests();
        Assert.Equal(
            ["shopdata.blob.core.windows.net", "shopdata.queue.core.windows.net", "shopdata.table.core.windows.net"],
            requests.Select(r => r.Uri.Host).Distinct().Order(StringComparer.Ordinal));
        Assert.All(requests, r => Assert.Equal("Bearer host-token", r.Authorization));
    }

    [Fact]
    public async Task Start_EntraTableAndQueueUrisWithoutBlobUri_FailsNamingTheBlobSetting()
    {
        var settings = EntraSettings(
            ("AzureWebJobsStorage:tableServiceUri", "https://tables.example.net/"),
            ("AzureWebJobsStorage:queueServiceUri", "https://queues.example.net/"),
            ("AzureWebJobsStorage:credential", "managedidentity"));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TestHost.StartAsync(output, settings, configureBuilder: EngineInMemory));

        Assert.StartsWith("AzureWebJobsStorage__blobServiceUri is not set", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Storage settings of Microsoft Entra ID only, in a process that runs no workers (the task hub's client side only).</summary>
    private static Dictionary<string, string?> EntraSettings(params (string Key, string Value)[] storage)
    {
        var settings = TestHost.Settings("");
        foreach (var (key, value) in storage)
        {
            settings[key] = value;
        }

        settings["Engine:Workers"] = "false";
        return settings;
    }

    /// <summary>The engine's own tables and queues in memory, so only the task hub reaches (fake) storage.</summary>
    private static void EngineInMemory(WebApplicationBuilder builder)
    {
        builder.Services.Replace(ServiceDescriptor.Singleton<IRowStore>(new InMemoryRowStore()));
        builder.Services.Replace(ServiceDescriptor.Singleton<IQueueFactory>(new InMemoryQueueFactory(TimeProvider.System)));
    }
}
