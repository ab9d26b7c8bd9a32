using Azure.Core;
using Azure.Core.Pipeline;
using DurableTask.AzureStorage;
using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Journeys.AzureStorage;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Journeys.Tests.Backend;

/// <summary>
/// The Durable Task backend on Microsoft Entra ID: its blob, queue and table clients are built from the service URIs and the credential.
/// On a fake transport, so these check that every request carries the credential's token as a Bearer header to its service's URI.
/// </summary>
public sealed class EntraBackendTests(ITestOutputHelper output)
{
    private static readonly Uri Blobs = new("https://blobs.example.net/");
    private static readonly Uri Queues = new("https://queues.example.net/");
    private static readonly Uri Tables = new("https://tables.example.net/");

    [Fact]
    public async Task CreateIfNotExists_ServiceUrisAndCredential_EveryClientSendsTheBearerTokenToItsService()
    {
        var transport = new EmptyStorageAccountHandler();
        var credential = new FixedTokenCredential("hub-token");
        var options = EntraOptions(credential);
        options.ConfigureClientOptions = o =>
        {
            o.Transport = new HttpClientTransport(transport);
            o.Retry.MaxRetries = 0;
        };
        var service = new AzureStorageOrchestrationService(DurableTaskJourneyBackend.Settings(options, NullLoggerFactory.Instance));

        await service.CreateIfNotExistsAsync();

        var requests = transport.Requests();
        foreach (var r in requests)
        {
            output.WriteLine($"{r.Method} {r.Uri} {r.Authorization}");
        }

        // The lease container and blob, the History, Instances and Partitions tables, the work-item and control queues.
        Assert.Contains(requests, r => r.Uri.Host == Blobs.Host && r.Uri.AbsolutePath == "/entrahub-applease");
        Assert.Contains(requests, r => r.Uri.Host == Tables.Host && r.Uri.AbsolutePath == "/Tables");
        Assert.Contains(requests, r => r.Uri.Host == Queues.Host && r.Uri.AbsolutePath == "/entrahub-control-01");
        Assert.All(requests, r => Assert.Equal((Uri.UriSchemeHttps, "Bearer hub-token"), (r.Uri.Scheme, r.Authorization)));
        Assert.All(requests, r => Assert.Contains(r.Uri.Host, new[] { Blobs.Host, Queues.Host, Tables.Host }));

        // Azure.Storage.Blobs 12.27 asks for "https://storage.azure.com//.default" (an extra slash the SDK drops in later versions).
        Assert.All(credential.Scopes(), s => Assert.Matches("^https://storage.azure.com//?.default$", s));
    }

    [Fact]
    public void Validate_ConnectionStringAndCredential_AsksForOne()
    {
        var options = EntraOptions(new FixedTokenCredential("t"));
        options.ConnectionString = "UseDevelopmentStorage=true";

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("both a storage connection string and Microsoft Entra ID settings", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoConnection_NamesBothWays()
    {
        var ex = Assert.Throws<ArgumentException>(new AzureStorageJourneyBackendOptions().Validate);

        Assert.Contains("storage connection string, or the blob, queue and table service URIs", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage__accountName", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(AzureStorageJourneyBackendOptions.BlobServiceUri), null)]
    [InlineData(nameof(AzureStorageJourneyBackendOptions.QueueServiceUri), null)]
    [InlineData(nameof(AzureStorageJourneyBackendOptions.TableServiceUri), "http://tables.example.net/")]
    public void Validate_ServiceUriMissingOrNotHttps_NamesIt(string property, string? value)
    {
        var options = EntraOptions(new FixedTokenCredential("t"));
        typeof(AzureStorageJourneyBackendOptions).GetProperty(property)!.SetValue(options, value is null ? null : new Uri(value));

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(property, ex.ParamName);
        Assert.StartsWith($"The journey backend's {property} must be an absolute https URI", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ServiceUrisWithoutCredential_NamesTheCredential()
    {
        var options = EntraOptions(null);

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(nameof(AzureStorageJourneyBackendOptions.Credential), ex.ParamName);
    }

    private static AzureStorageJourneyBackendOptions EntraOptions(TokenCredential? credential) => new()
    {
        BlobServiceUri = Blobs,
        QueueServiceUri = Queues,
        TableServiceUri = Tables,
        Credential = credential,
        TaskHubName = "entrahub",
        PartitionCount = 2,
    };
}
