namespace ScenarioEngine.Runtime.Engine;

/// <summary>
/// The customers this process committed last, as it committed them (rows parsed, with their new ETags), so the next step for the
/// same customer (typically the dispatch right after the step that asked for it) needs neither a partition read nor any parsing.
/// </summary>
/// <remarks>
/// A cached state may be stale: another process may have written the partition since. That is safe because every batch the engine
/// commits replaces the profile row on the ETag it read, so a batch built on a stale state fails as a whole and the handler re-reads;
/// and a handler that would end without committing anything ("nothing to do") confirms that from a fresh read first. A state is
/// taken out while a handler works on it (so two handlers never share one) and put back only after its commit succeeded.
/// Bounded: the least recently committed customers are dropped first.
/// </remarks>
internal sealed class PartitionCache(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<CustomerState>> _byCustomer = new(StringComparer.Ordinal);
    private readonly LinkedList<CustomerState> _order = new();
    private readonly Lock _lock = new();

    /// <summary>How many states it holds.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byCustomer.Count;
            }
        }
    }

    /// <summary>Takes a customer's state out of the cache, or null.</summary>
    public CustomerState? Take(string customerId)
    {
        lock (_lock)
        {
            if (!_byCustomer.Remove(customerId, out var node))
            {
                return null;
            }

            _order.Remove(node);
            return node.Value;
        }
    }

    /// <summary>Puts a committed state back (replacing any other state of the customer), dropping the oldest beyond the capacity.</summary>
    public void Put(CustomerState state)
    {
        if (capacity <= 0)
        {
            return;
        }

        lock (_lock)
        {
            // A node taken off the list (the customer's old one, or the least recent customer's when full) carries the new state:
            // the cache allocates nothing per put once it is full.
            if (_byCustomer.Remove(state.CustomerId, out var node))
            {
                _order.Remove(node);
            }
            else if (_byCustomer.Count >= capacity)
            {
                node = _order.Last!;
                _order.RemoveLast();
                _byCustomer.Remove(node.Value.CustomerId);
            }

            if (node is null)
            {
                node = new LinkedListNode<CustomerState>(state);
            }
            else
            {
                node.Value = state;
            }

            _order.AddFirst(node);
            _byCustomer[state.CustomerId] = node;
        }
    }
}
