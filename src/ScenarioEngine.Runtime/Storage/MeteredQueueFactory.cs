using System.Collections.Concurrent;

namespace ScenarioEngine.Runtime.Storage;

/// <summary>Hands out <see cref="MeteredQueue"/>s over another factory's queues (one per name, made once).</summary>
internal sealed class MeteredQueueFactory(IQueueFactory inner) : IQueueFactory
{
    private readonly ConcurrentDictionary<string, IQueue> _queues = new(StringComparer.Ordinal);

    public IQueue Get(string name) => _queues.GetOrAdd(name, static (n, f) => new MeteredQueue(f.Get(n)), inner);
}
