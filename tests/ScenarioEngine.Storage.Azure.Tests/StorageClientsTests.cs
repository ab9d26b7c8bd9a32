using System.Net;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Storage.Azure.Tests;

/// <summary>
/// How <see cref="StorageClients"/> reads its settings. The Microsoft Entra ID path runs on a fake HTTP transport here, checking that a
/// token from the credential goes out as a Bearer header to each service (<see cref="StorageClientsOnAzuriteOAuthTests"/> has Azurite accept it).
/// </summary>
public sealed class StorageClientsTests
{
    private const string SecretKey = "c2VjcmV0LWtleS1ub3QtdG8tYmUtcHJpbnRlZA==";

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void FromConnectionString_UseDevelopmentStorage_PointsAtAzuriteDefaultPorts()
    {
        var clients = StorageClients.FromConnectionString("UseDevelopmentStorage=true");

        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), clients.Tables.Uri);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), clients.Queues.Uri);
    }

    [Fact]
    public void FromConfiguration_ConnectionStringWithExplicitEndpoints_UsesThemAsGiven()
    {
        var settings = Settings(("AzureWebJobsStorage",
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={SecretKey};TableEndpoint=http://127.0.0.1:51002/devstoreaccount1;QueueEndpoint=http://127.0.0.1:51001/devstoreaccount1;"));

        var clients = StorageClients.FromConfiguration(settings);

        Assert.Equal(new Uri("http://127.0.0.1:51002/devstoreaccount1"), clients.Tables.Uri);
        Assert.Equal(new Uri("http://127.0.0.1:51001/devstoreaccount1"), clients.Queues.Uri);
    }

    [Fact]
    public async Task FromConfiguration_AccountName_SendsTheCredentialsTokenAsBearerToBothServices()
    {
        var transport = new RecordingHandler();
        var credential = new FixedTokenCredential("token-abc");
        var settings = Settings(("AzureWebJobsStorage:accountName", "shopdata"));

        var clients = StorageClients.FromConfiguration(settings, credential: credential, configure: o => o.Transport = new HttpClientTransport(transport));
        var row = await clients.CreateRowStore().GetAsync("journeys", "c1", "a|profile");
        var count = await clients.CreateQueueFactory().Get("se-events-0").CountAsync();

        Assert.Null(row);
        Assert.Equal(3, count);
        Assert.Collection(
            transport.Requests,
            r => Assert.Equal(("shopdata.table.core.windows.net", "Bearer token-abc"), (r.Host, r.Authorization)),
            r => Assert.Equal(("shopdata.queue.core.windows.net", "Bearer token-abc"), (r.Host, r.Authorization)));
        Assert.All(credential.Scopes(), s => Assert.Equal("https://storage.azure.com/.default", s));
        Assert.Equal(2, clients.Counter.Total);
    }

    [Fact]
    public async Task FromConfiguration_ServiceUris_SendsToThoseHostsWithBearer()
    {
        var transport = new RecordingHandler();
        var settings = Settings(
            ("AzureWebJobsStorage:tableServiceUri", "https://tables.example.net/"),
            ("AzureWebJobsStorage:queueServiceUri", "https://queues.example.net/"));

        var clients = StorageClients.FromConfiguration(settings, credential: new FixedTokenCredential("t2"), configure: o => o.Transport = new HttpClientTransport(transport));
        await clients.CreateRowStore().GetAsync("journeys", "c1", "a|profile");
        await clients.CreateQueueFactory().Get("se-events-0").CountAsync();

        Assert.Equal(["tables.example.net", "queues.example.net"], transport.Requests.Select(r => r.Host));
        Assert.All(transport.Requests, r => Assert.Equal("Bearer t2", r.Authorization));
    }

    [Fact]
    public void FromConfiguration_OtherName_ReadsThatConnection()
    {
        var settings = Settings(("Storage2:accountName", "other1"), ("AzureWebJobsStorage", "UseDevelopmentStorage=true"));

        var clients = StorageClients.FromConfiguration(settings, "Storage2", new FixedTokenCredential("t"));

        Assert.Equal("other1.table.core.windows.net", clients.Tables.Uri.Host);
    }

    [Fact]
    public void FromConfiguration_NothingSet_ThrowsNamingEveryWayToSetIt()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => StorageClients.FromConfiguration(Settings()));

        Assert.Contains("AzureWebJobsStorage is not set", ex.Message, StringComparison.Ordinal);
        Assert.Contains("UseDevelopmentStorage=true", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage__accountName", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage__tableServiceUri", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountKey=" + SecretKey + ";EndpointSuffix=core.windows.net")]
    [InlineData("TableEndpoint=not a uri;AccountName=a;AccountKey=" + SecretKey)]
    [InlineData("garbage " + SecretKey)]
    public void FromConfiguration_BadConnectionString_ThrowsNamingTheSettingWithoutTheKey(string connectionString)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => StorageClients.FromConfiguration(Settings(("AzureWebJobsStorage", connectionString))));

        Assert.StartsWith("AzureWebJobsStorage is not a valid storage connection string", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey[..12], ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("accountName", "Shop_Data", "AzureWebJobsStorage__accountName")]
    [InlineData("accountName", "ab", "AzureWebJobsStorage__accountName")]
    [InlineData("tableServiceUri", "http://tables.example.net", "AzureWebJobsStorage__tableServiceUri")]
    [InlineData("tableServiceUri", "https://tables.example.net", "AzureWebJobsStorage__queueServiceUri")]
    [InlineData("queueServiceUri", "https://queues.example.net", "AzureWebJobsStorage__tableServiceUri")]
    public void FromConfiguration_BadIdentitySetting_ThrowsNamingIt(string key, string value, string named)
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            StorageClients.FromConfiguration(Settings(("AzureWebJobsStorage:" + key, value)), credential: new FixedTokenCredential("t")));

        Assert.StartsWith(named + " ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_AccountNameWithOneServiceUri_TakesThatServiceFromItsUri()
    {
        var settings = Settings(("AzureWebJobsStorage:accountName", "shopdata"), ("AzureWebJobsStorage:queueServiceUri", "https://queues.example.net/"));

        var clients = StorageClients.FromConfiguration(settings, credential: new FixedTokenCredential("t"));

        Assert.Equal("shopdata.table.core.windows.net", clients.Tables.Uri.Host);
        Assert.Equal("queues.example.net", clients.Queues.Uri.Host);
    }

    [Fact]
    public void FromConfiguration_UnknownCredentialKind_ThrowsNamingTheSetting()
    {
        var settings = Settings(("AzureWebJobsStorage:accountName", "shopdata"), ("AzureWebJobsStorage:credential", "password"));

        var ex = Assert.Throws<InvalidOperationException>(() => StorageClients.FromConfiguration(settings));

        Assert.StartsWith("AzureWebJobsStorage__credential must be \"managedidentity\"", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, typeof(DefaultAzureCredential))]
    [InlineData(null, "11111111-2222-3333-4444-555555555555", typeof(DefaultAzureCredential))]
    [InlineData("managedidentity", null, typeof(ManagedIdentityCredential))]
    [InlineData("ManagedIdentity", "11111111-2222-3333-4444-555555555555", typeof(ManagedIdentityCredential))]
    public void Credential_Settings_PickTheFunctionsHostsCredential(string? kind, string? clientId, Type expected)
    {
        var values = new List<(string, string)> { ("S:accountName", "shopdata") };
        if (kind is not null)
        {
            values.Add(("S:credential", kind));
        }

        if (clientId is not null)
        {
            values.Add(("S:clientId", clientId));
        }

        var credential = StorageConnection.CredentialFrom(Settings([.. values]).GetSection("S"), "S");

        Assert.IsType(expected, credential);
    }

    /// <summary>Answers as the services would without a network: a missing entity for a table read, three messages for queue properties.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<(string Host, string? Authorization)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.RequestUri!.Host, request.Headers.Authorization?.ToString()));
            if (request.RequestUri.Host.Contains("queue", StringComparison.Ordinal))
            {
                var properties = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
                properties.Headers.Add("x-ms-approximate-messages-count", "3");
                return Task.FromResult(properties);
            }

            var missing = new HttpResponseMessage(HttpStatusCode.NotFound)
            {
                Content = new StringContent("""{"odata.error":{"code":"ResourceNotFound","message":{"lang":"en-US","value":"The specified resource does not exist."}}}"""),
            };
            missing.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            missing.Headers.Add("x-ms-error-code", "ResourceNotFound");
            return Task.FromResult(missing);
        }
    }
}
