using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Storage.Azure;

/// <summary>Makes <see cref="AzureQueue"/>s by name (cached) on one Queue service client.</summary>
public sealed partial class AzureQueueFactory : IQueueFactory
{
    private readonly QueueServiceClient _service;
    private readonly ConcurrentDictionary<string, AzureQueue> _queues = new(StringComparer.Ordinal);

    /// <summary>Creates a factory on a Queue service client (see <see cref="StorageClients"/>: Base64 encoding, requests counted).</summary>
    public AzureQueueFactory(QueueServiceClient service)
    {
        _service = service ?? throw new ArgumentNullException(nameof(service));
    }

    /// <summary>The queue of that name: 3-63 lowercase letters, digits and single hyphens, such as "se-events-0" or "se-dispatch-poison".</summary>
    public IQueue Get(string name) => GetQueue(name);

    /// <summary>The queue of that name, typed.</summary>
    public AzureQueue GetQueue(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_queues.TryGetValue(name, out var queue))
        {
            return queue;
        }

        if (!QueueName().IsMatch(name) || name.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"\"{name}\" is not a queue name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.", nameof(name));
        }

        return _queues.GetOrAdd(name, new AzureQueue(_service.GetQueueClient(name)));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex QueueName();
}
