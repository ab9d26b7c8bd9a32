using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace ScenarioEngine.Storage.Azure.Tests;

/// <summary>How <see cref="StorageConnection"/> reads a connection's settings, the blob service URI the Durable Task hub needs included.</summary>
public sealed class StorageConnectionTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void FromConfiguration_ConnectionString_KeepsItAndNoCredential()
    {
        var connection = StorageConnection.FromConfiguration(Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true"), ("AzureWebJobsStorage:accountName", "shopdata")));

        Assert.Equal("UseDevelopmentStorage=true", connection.ConnectionString);
        Assert.Null(connection.Credential);
        Assert.Null(connection.BlobServiceUri);
    }

    [Fact]
    public void FromConfiguration_AccountName_GivesAllThreeServiceUris()
    {
        var connection = StorageConnection.FromConfiguration(Settings(("AzureWebJobsStorage:accountName", "shopdata")));

        Assert.Null(connection.ConnectionString);
        Assert.Equal(new Uri("https://shopdata.table.core.windows.net/"), connection.TableServiceUri);
        Assert.Equal(new Uri("https://shopdata.queue.core.windows.net/"), connection.QueueServiceUri);
        Assert.Equal(new Uri("https://shopdata.blob.core.windows.net/"), connection.RequireBlobServiceUri());
        Assert.IsType<DefaultAzureCredential>(connection.Credential);
    }

    [Fact]
    public void FromConfiguration_ThreeServiceUris_UsesEachAsGiven()
    {
        var connection = StorageConnection.FromConfiguration(Settings(
            ("AzureWebJobsStorage:tableServiceUri", "https://tables.example.net/"),
            ("AzureWebJobsStorage:queueServiceUri", "https://queues.example.net/"),
            ("AzureWebJobsStorage:blobServiceUri", "https://blobs.example.net/"),
            ("AzureWebJobsStorage:credential", "managedidentity")));

        Assert.Equal("tables.example.net", connection.TableServiceUri!.Host);
        Assert.Equal("queues.example.net", connection.QueueServiceUri!.Host);
        Assert.Equal("blobs.example.net", connection.RequireBlobServiceUri().Host);
        Assert.IsType<ManagedIdentityCredential>(connection.Credential);
    }

    [Fact]
    public void FromConfiguration_BlobServiceUriBesideAccountName_OverridesTheBlobServiceOnly()
    {
        var connection = StorageConnection.FromConfiguration(Settings(
            ("AzureWebJobsStorage:accountName", "shopdata"), ("AzureWebJobsStorage:blobServiceUri", "https://blobs.example.net/")), credential: new FakeTokenCredential());

        Assert.Equal("blobs.example.net", connection.RequireBlobServiceUri().Host);
        Assert.Equal("shopdata.table.core.windows.net", connection.TableServiceUri!.Host);
    }

    [Fact]
    public void FromConfiguration_GivenCredential_IsTheConnectionsCredential()
    {
        var credential = new FakeTokenCredential();

        var connection = StorageConnection.FromConfiguration(Settings(("AzureWebJobsStorage:accountName", "shopdata")), credential: credential);

        Assert.Same(credential, connection.Credential);
    }

    [Fact]
    public void RequireBlobServiceUri_TableAndQueueUrisOnly_ThrowsNamingTheBlobSetting()
    {
        var connection = StorageConnection.FromConfiguration(Settings(
            ("AzureWebJobsStorage:tableServiceUri", "https://tables.example.net/"),
            ("AzureWebJobsStorage:queueServiceUri", "https://queues.example.net/")), credential: new FakeTokenCredential());

        var ex = Assert.Throws<InvalidOperationException>(connection.RequireBlobServiceUri);

        Assert.StartsWith("AzureWebJobsStorage__blobServiceUri is not set", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage__accountName", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://blobs.example.net")]
    [InlineData("blobs.example.net")]
    public void FromConfiguration_BlobServiceUriNotHttps_ThrowsNamingIt(string value)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => StorageConnection.FromConfiguration(
            Settings(("AzureWebJobsStorage:accountName", "shopdata"), ("AzureWebJobsStorage:blobServiceUri", value)), credential: new FakeTokenCredential()));

        Assert.StartsWith("AzureWebJobsStorage__blobServiceUri must be an absolute https URI", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_BlobServiceUriAlone_ThrowsNamingTheTableSetting()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => StorageConnection.FromConfiguration(
            Settings(("AzureWebJobsStorage:blobServiceUri", "https://blobs.example.net/")), credential: new FakeTokenCredential()));

        Assert.StartsWith("AzureWebJobsStorage__tableServiceUri is not set", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A credential these tests never ask for a token.</summary>
    private sealed class FakeTokenCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new NotSupportedException();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
