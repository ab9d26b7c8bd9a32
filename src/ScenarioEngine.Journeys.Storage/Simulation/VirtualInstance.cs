namespace ScenarioEngine.Journeys.Storage.Simulation;

/// <summary>One running orchestration instance in virtual time: its input, buffered external events and the one event wait.</summary>
internal sealed class VirtualInstance(string id, object input)
{
    private readonly Queue<(string Name, object Payload)> _buffered = new();
    private (string Name, Action<object> Complete)? _waiter;

    public string Id { get; } = id;

    public object Input { get; set; } = input;

    /// <summary>Set by ContinueAsNew: the next execution's input.</summary>
    public object? ContinueWith { get; set; }

    public bool Terminated { get; set; }

    /// <summary>Waits for an external event; one raised before is delivered at once, as Durable Task buffers it.</summary>
    public Task<T> WaitAsync<T>(string name, CancellationToken cancellationToken)
    {
        var count = _buffered.Count;
        for (var i = 0; i < count; i++)
        {
            var item = _buffered.Dequeue();
            if (item.Name == name && !Terminated)
            {
                // Keep the rest in their order.
                for (var j = i + 1; j < count; j++)
                {
                    _buffered.Enqueue(_buffered.Dequeue());
                }

                return Task.FromResult((T)item.Payload);
            }

            _buffered.Enqueue(item);
        }

        var source = new TaskCompletionSource<T>();
        Action<object> complete = payload => source.TrySetResult((T)payload);
        _waiter = (name, complete);
        cancellationToken.Register(() =>
        {
            if (_waiter is { } current && current.Complete == complete)
            {
                _waiter = null;
            }

            source.TrySetCanceled(cancellationToken);
        });
        return source.Task;
    }

    /// <summary>Delivers an event to the waiting orchestrator (which runs on until its next wait), or buffers it.</summary>
    public void Raise(string name, object payload)
    {
        if (_waiter is { } waiter && waiter.Name == name)
        {
            _waiter = null;
            waiter.Complete(payload);
            return;
        }

        _buffered.Enqueue((name, payload));
    }
}
