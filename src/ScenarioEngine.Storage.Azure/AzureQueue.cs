using System.Collections.Concurrent;
using Azure.Core;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Storage.Azure;

/// <summary>The runtime's queue port on an Azure Storage queue (or Azurite): at-least-once messages that never expire, with delayed visibility.</summary>
public sealed class AzureQueue : IQueue
{
    /// <summary>Wraps a queue client.</summary>
    public AzureQueue(QueueClient client)
    {
        Client = client ?? throw new ArgumentNullException(nameof(client));
    }

    /// <summary>The underlying REST client.</summary>
    public QueueClient Client { get; }

    /// <inheritdoc />
    public string Name => Client.Name;

    /// <inheritdoc />
    public Task CreateAsync(CancellationToken cancellationToken = default) => Client.CreateIfNotExistsAsync(cancellationToken);

    /// <inheritdoc />
    public Task SendAsync(string text, TimeSpan? delay = null, CancellationToken cancellationToken = default)
    {
        if (delay > QueueClient.MaxVisibilityTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "A queue message can be hidden for at most 7 days.");
        }

        // A due time already past means "visible now", as in the in-memory provider.
        var hide = delay is { } d && d > TimeSpan.Zero ? d : (TimeSpan?)null;
        return Client.SendMessageAsync(text, hide, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueItem>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        // The service hides a received message for at least a second.
        var hide = visibility < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : visibility;
        var messages = await Client.ReceiveMessagesAsync(max, hide, cancellationToken).ConfigureAwait(false);
        return messages.Select(m => new QueueItem(m.MessageId, m.PopReceipt, m.Text, (int)Math.Min(m.DequeueCount, int.MaxValue))).ToArray();
    }

    /// <inheritdoc />
    public async Task DeleteAsync(QueueItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);

        // NotFound: already deleted, or received again by another consumer (a stale pop receipt); either way not this caller's to delete.
        await Client.DeleteMessageAsync(item.Id, item.PopReceipt, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        var count = await Client.GetApproximateMessageCountAsync(cancellationToken).ConfigureAwait(false);
        return (int)Math.Min(count, int.MaxValue);
    }
}

/// <summary>Makes <see cref="AzureQueue"/>s by name (cached) on one storage account, counting their requests.</summary>
public sealed class AzureQueueFactory : IQueueFactory
{
    private readonly StorageConnectionString _connection;
    private readonly StorageClientOptions _options;
    private readonly ConcurrentDictionary<string, AzureQueue> _queues = new(StringComparer.Ordinal);

    /// <summary>Creates a factory from a connection string ("UseDevelopmentStorage=true" means Azurite on its default ports).</summary>
    public AzureQueueFactory(string connectionString, StorageCallCounter? counter = null, Action<StorageClientOptions>? configure = null)
        : this(StorageConnectionString.Parse(connectionString), counter, configure)
    {
    }

    /// <summary>Creates a factory; <paramref name="counter"/> counts its requests (a new counter when null; pass the row store's to count both), <paramref name="configure"/> adjusts retries or transport.</summary>
    public AzureQueueFactory(StorageConnectionString connection, StorageCallCounter? counter = null, Action<StorageClientOptions>? configure = null)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        if (connection.QueueEndpoint is null)
        {
            throw new ArgumentException("The connection string has no QueueEndpoint.", nameof(connection));
        }

        Counter = counter ?? new StorageCallCounter();
        _options = new StorageClientOptions();
        configure?.Invoke(_options);
        _options.AddPolicy(Counter.QueuePolicy(), HttpPipelinePosition.PerRetry);
    }

    /// <summary>Counts every request the factory's queues send.</summary>
    public StorageCallCounter Counter { get; }

    /// <summary>The queue of that name: 3-63 lowercase letters, digits and single hyphens, such as "se-events-0" or "se-dispatch-poison".</summary>
    public IQueue Get(string name) => GetQueue(name);

    /// <summary>The queue of that name, typed.</summary>
    public AzureQueue GetQueue(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _queues.GetOrAdd(name, n => new AzureQueue(new QueueClient(_connection, n, _options)));
    }
}
