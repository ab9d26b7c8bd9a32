using Microsoft.Extensions.Configuration;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Storage.Azure.Tests;

/// <summary>
/// The engine's clients on Microsoft Entra ID against Azurite with basic OAuth over https: the settings give only the service URIs,
/// and every table and queue operation goes through with the credential's token (Azurite checks its issuer, audience and lifetime).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageClientsOnAzuriteOAuthTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    // The Azurite collection's fixture has installed the pinned Azurite this test starts a second instance of.
    public StorageClientsOnAzuriteOAuthTests(AzuriteFixture azurite) => ArgumentNullException.ThrowIfNull(azurite);

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task FromConfiguration_ServiceUrisOnAzuriteWithOAuth_TablesAndQueuesTakeTheToken()
    {
        await using var server = await AzuriteOAuthServer.StartAsync();
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage:tableServiceUri"] = server.TableServiceUri.ToString(),
            ["AzureWebJobsStorage:queueServiceUri"] = server.QueueServiceUri.ToString(),
        }).Build();
        var credential = new FixedTokenCredential(AzuriteOAuthServer.Token(DateTimeOffset.UtcNow));
        var clients = StorageClients.FromConfiguration(settings, credential: credential, configure: o => o.Transport = server.Transport());
        var store = clients.CreateRowStore();
        var queue = clients.CreateQueueFactory().Get("entra-events-0");
        var table = AzuriteFixture.NewTableName("entra");

        await store.CreateTableAsync(table, _timeout.Token);
        await store.CommitAsync(table, [new RowWrite(WriteKind.Insert, new StoredRow("c1", "a|profile", "{}"))], _timeout.Token);
        var row = await store.GetAsync(table, "c1", "a|profile", _timeout.Token);
        await queue.CreateAsync(_timeout.Token);
        await queue.SendAsync("hello", cancellationToken: _timeout.Token);
        var received = await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30), _timeout.Token);

        Assert.Equal("{}", row?.Data);
        Assert.Equal("hello", Assert.Single(received).Text);
        Assert.NotEmpty(credential.Scopes());
    }
}
