using Azure;
using Azure.Storage.Queues;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Storage.Azure;

/// <summary>The runtime's queue port on an Azure Storage queue (or Azurite): at-least-once messages that never expire, with delayed visibility.</summary>
public sealed class AzureQueue : IQueue
{
    /// <summary>The longest a message can be hidden, as the service allows.</summary>
    public static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromDays(7);

    /// <summary>The most messages one receive returns.</summary>
    public const int MaxMessagesPerReceive = 32;

    /// <summary>The largest message the service accepts, counted after Base64 encoding.</summary>
    public const int MaxEncodedMessageBytes = 64 * 1024;

    // messagettl=-1: a message waits until handled, however long (the service's default is seven days).
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    /// <summary>Wraps a queue client (which must encode messages as Base64, as <see cref="StorageClients"/> sets up).</summary>
    public AzureQueue(QueueClient client)
    {
        Client = client ?? throw new ArgumentNullException(nameof(client));
    }

    /// <summary>The underlying Azure.Storage.Queues client.</summary>
    public QueueClient Client { get; }

    /// <inheritdoc />
    public string Name => Client.Name;

    /// <inheritdoc />
    public Task CreateAsync(CancellationToken cancellationToken = default) => Client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task SendAsync(string text, TimeSpan? delay = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (delay > MaxVisibilityTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "A queue message can be hidden for at most 7 days.");
        }

        var encoded = (System.Text.Encoding.UTF8.GetByteCount(text) + 2) / 3 * 4;
        if (encoded > MaxEncodedMessageBytes)
        {
            throw new ArgumentException($"A queue message holds at most {MaxEncodedMessageBytes} bytes once Base64-encoded (48 KiB of UTF-8); this one needs {encoded}.", nameof(text));
        }

        // A due time already past means "visible now", as in the in-memory provider.
        var hide = delay is { } d && d > TimeSpan.Zero ? d : (TimeSpan?)null;
        return Client.SendMessageAsync(text, hide, NeverExpires, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueItem>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(max, MaxMessagesPerReceive);

        // The service hides a received message for at least a second.
        var hide = visibility < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : visibility;
        var messages = (await Client.ReceiveMessagesAsync(max, hide, cancellationToken).ConfigureAwait(false)).Value;
        var items = new QueueItem[messages.Length];
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            items[i] = new QueueItem(m.MessageId, m.PopReceipt, m.Body.ToString(), (int)Math.Min(m.DequeueCount, int.MaxValue));
        }

        return items;
    }

    /// <inheritdoc />
    public async Task DeleteAsync(QueueItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        try
        {
            await Client.DeleteMessageAsync(item.Id, item.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode != "QueueNotFound" || ex is { Status: 400, ErrorCode: "PopReceiptMismatch" })
        {
            // Already deleted, or received again by another consumer (a stale pop receipt): either way not this caller's to delete.
        }
    }

    /// <inheritdoc />
    public async Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        var properties = await Client.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
        return (int)Math.Min(properties.Value.ApproximateMessagesCountLong, int.MaxValue);
    }
}
