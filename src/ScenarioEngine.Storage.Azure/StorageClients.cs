using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace ScenarioEngine.Storage.Azure;

/// <summary>
/// The Table and Queue service clients of one storage account, built one way for every host: from a connection string
/// (<c>UseDevelopmentStorage=true</c> for Azurite) or from service URIs and a Microsoft Entra ID <see cref="TokenCredential"/>,
/// following the Functions identity-based connection settings. Both clients count their requests in <see cref="Counter"/> and encode
/// queue messages as Base64, as the Functions queue trigger expects.
/// </summary>
public sealed class StorageClients
{
    /// <summary>The setting the Functions host and the standalone host read the storage connection from.</summary>
    public const string DefaultSettingName = "AzureWebJobsStorage";

    /// <summary>The <c>__credential</c> value that selects a managed identity (with <c>__clientId</c> for a user-assigned one).</summary>
    public const string ManagedIdentity = "managedidentity";

    private StorageClients(TableServiceClient tables, QueueServiceClient queues, StorageCallCounter counter)
    {
        Tables = tables;
        Queues = queues;
        Counter = counter;
    }

    /// <summary>The Table service client.</summary>
    public TableServiceClient Tables { get; }

    /// <summary>The Queue service client (Base64 message encoding).</summary>
    public QueueServiceClient Queues { get; }

    /// <summary>Counts every request attempt both clients send.</summary>
    public StorageCallCounter Counter { get; }

    /// <summary>The runtime's row store on these clients.</summary>
    public AzureRowStore CreateRowStore() => new(Tables);

    /// <summary>The runtime's queue factory on these clients.</summary>
    public AzureQueueFactory CreateQueueFactory() => new(Queues);

    /// <summary>
    /// Clients from a storage connection string: an account key or SAS, explicit endpoints (as Azurite on other ports needs), or
    /// <c>UseDevelopmentStorage=true</c>. <paramref name="configure"/> adjusts both clients' options (retries, transport, extra policies).
    /// </summary>
    public static StorageClients FromConnectionString(string connectionString, StorageCallCounter? counter = null, Action<ClientOptions>? configure = null) =>
        FromConnectionString(connectionString, DefaultSettingName, counter, configure);

    /// <summary>Clients from the Table and Queue service URIs with a Microsoft Entra ID credential (the URIs must be https).</summary>
    public static StorageClients FromServiceUris(Uri tableServiceUri, Uri queueServiceUri, TokenCredential credential, StorageCallCounter? counter = null, Action<ClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(tableServiceUri);
        ArgumentNullException.ThrowIfNull(queueServiceUri);
        ArgumentNullException.ThrowIfNull(credential);
        counter ??= new StorageCallCounter();
        return new StorageClients(
            new TableServiceClient(tableServiceUri, credential, TableOptions(counter, configure)),
            new QueueServiceClient(queueServiceUri, credential, QueueOptions(counter, configure)),
            counter);
    }

    /// <summary>
    /// Clients from configuration, as the Functions host reads a connection named <paramref name="name"/>
    /// (<see cref="StorageConnection.FromConfiguration"/>): a connection string, or Microsoft Entra ID on the service URIs. Throws
    /// <see cref="InvalidOperationException"/> naming the missing or bad setting (never printing a key).
    /// </summary>
    /// <param name="configuration">The configuration root (or any section holding the setting).</param>
    /// <param name="name">The connection's name, <c>AzureWebJobsStorage</c> by default.</param>
    /// <param name="credential">The credential to use in identity mode instead of the one the settings describe (tests pass a fake).</param>
    /// <param name="counter">Counts the requests (a new counter when null).</param>
    /// <param name="configure">Adjusts both clients' options.</param>
    public static StorageClients FromConfiguration(
        IConfiguration configuration,
        string name = DefaultSettingName,
        TokenCredential? credential = null,
        StorageCallCounter? counter = null,
        Action<ClientOptions>? configure = null) =>
        FromConnection(StorageConnection.FromConfiguration(configuration, name, credential), counter, configure);

    /// <summary>Clients on a connection read from configuration: its connection string, or its Table and Queue service URIs and credential.</summary>
    public static StorageClients FromConnection(StorageConnection connection, StorageCallCounter? counter = null, Action<ClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.ConnectionString is { } connectionString
            ? FromConnectionString(connectionString, connection.Name, counter, configure)
            : FromServiceUris(connection.TableServiceUri!, connection.QueueServiceUri!, connection.Credential!, counter, configure);
    }

    private static StorageClients FromConnectionString(string connectionString, string name, StorageCallCounter? counter, Action<ClientOptions>? configure)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"{name} is empty: give a storage connection string (\"UseDevelopmentStorage=true\" for Azurite).");
        }

        counter ??= new StorageCallCounter();
        try
        {
            return new StorageClients(
                new TableServiceClient(connectionString, TableOptions(counter, configure)),
                new QueueServiceClient(connectionString, QueueOptions(counter, configure)),
                counter);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            // The SDK's parse errors name the problem, never the value; the connection string itself is never repeated.
            throw new InvalidOperationException(
                $"{name} is not a valid storage connection string ({ex.Message}). Expected \"UseDevelopmentStorage=true\", " +
                "\"DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net\", or explicit TableEndpoint and QueueEndpoint.",
                ex);
        }
    }

    private static TableClientOptions TableOptions(StorageCallCounter counter, Action<ClientOptions>? configure)
    {
        var options = new TableClientOptions();
        configure?.Invoke(options);
        options.AddPolicy(counter.TablePolicy(), HttpPipelinePosition.PerRetry);
        return options;
    }

    private static QueueClientOptions QueueOptions(StorageCallCounter counter, Action<ClientOptions>? configure)
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        configure?.Invoke(options);
        options.AddPolicy(counter.QueuePolicy(), HttpPipelinePosition.PerRetry);
        return options;
    }
}
