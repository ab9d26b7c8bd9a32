using Microsoft.DurableTask;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Journeys.Storage.Simulation;

/// <summary>
/// Runs journey orchestrations in virtual time, in process, with no Durable Task backend: the real <see cref="JourneyOrchestrator"/>
/// and its activities, with durable timers kept in a queue ordered by due time. Starting or raising runs the orchestrator forward
/// until it waits again; <see cref="FireNext"/> moves the clock to the next timer and fires it. Single-threaded: every port the
/// activities use must complete synchronously (the in-memory store does), so that when a call returns, every instance it touched is
/// waiting again. For simulations and tests of journey logic over many customers and long waits; the Durable Task backends run the
/// same classes for real.
/// </summary>
public sealed class VirtualOrchestrations : IJourneyInstances
{
    private readonly IJourneyCatalog _catalog;
    private readonly JourneyOrchestrationOptions _options;
    private readonly Func<string, ITaskActivity> _activities;
    private readonly Action<DateTimeOffset> _moveClock;
    private readonly Func<DateTimeOffset> _now;
    private readonly Dictionary<string, VirtualInstance> _running = new(StringComparer.Ordinal);
    private readonly PriorityQueue<(VirtualInstance Instance, TaskCompletionSource Timer), (DateTimeOffset Due, long Seq)> _timers = new();
    private long _seq;

    /// <summary>Creates the runner; <paramref name="activities"/> makes an activity by name, <paramref name="moveClock"/> sets the virtual time.</summary>
    public VirtualOrchestrations(IJourneyCatalog catalog, JourneyOrchestrationOptions options, Func<string, ITaskActivity> activities, TimeProvider clock, Action<DateTimeOffset> moveClock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _activities = activities ?? throw new ArgumentNullException(nameof(activities));
        _moveClock = moveClock ?? throw new ArgumentNullException(nameof(moveClock));
        _now = clock.GetUtcNow;
    }

    internal DateTimeOffset Now => _now();

    /// <summary>Instances started and not finished.</summary>
    public int Running => _running.Count;

    /// <summary>Instances that finished (completed or terminated).</summary>
    public int Finished { get; private set; }

    /// <summary>The due time of the next timer, or null when none is pending.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            while (_timers.TryPeek(out var next, out var at))
            {
                if (!next.Timer.Task.IsCompleted && !next.Instance.Terminated)
                {
                    return at.Due;
                }

                _timers.Dequeue(); // cancelled (the event won the race) or its instance ended
            }

            return null;
        }
    }

    /// <inheritdoc />
    public Task StartAsync(JourneyStart start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.Validate();
        if (_running.ContainsKey(start.InstanceId))
        {
            return Task.CompletedTask; // as the backends: a start for a running id changes nothing
        }

        var instance = new VirtualInstance(start.InstanceId, start);
        _running[instance.Id] = instance;
        Run(instance);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RaiseAsync(string instanceId, JourneyEventDelivery delivery, CancellationToken cancellationToken = default)
    {
        if (_running.TryGetValue(instanceId, out var instance))
        {
            instance.Raise(JourneyEvents.Name, delivery);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default)
    {
        if (_running.Remove(instanceId, out var instance))
        {
            instance.Terminated = true;
            Finished++;
        }

        return Task.CompletedTask;
    }

    /// <summary>Moves the clock to the next timer due at or before <paramref name="until"/> and fires every timer due then; false when there is none.</summary>
    public bool FireNext(DateTimeOffset until)
    {
        if (NextDue is not { } due || due > until)
        {
            return false;
        }

        if (due > Now)
        {
            _moveClock(due);
        }

        while (_timers.TryPeek(out _, out var at) && at.Due <= due)
        {
            var (instance, timer) = _timers.Dequeue();
            if (!instance.Terminated)
            {
                timer.TrySetResult();
            }
        }

        return true;
    }

    internal Task Schedule(VirtualInstance instance, DateTimeOffset due, CancellationToken cancellationToken)
    {
        var timer = new TaskCompletionSource();
        cancellationToken.Register(() => timer.TrySetCanceled(cancellationToken));
        _timers.Enqueue((instance, timer), (due < Now ? Now : due, _seq++));
        return timer.Task;
    }

    internal Task<object?> RunActivityAsync(string name, string instanceId, object? input) =>
        _activities(name).RunAsync(new VirtualActivityContext(new TaskName(name), instanceId), input);

    private void Run(VirtualInstance instance)
    {
        var orchestrator = (ITaskOrchestrator)new JourneyOrchestrator(_catalog, _options);
        var execution = orchestrator.RunAsync(new VirtualOrchestrationContext(this, instance), instance.Input);
        execution.ContinueWith(t => Ended(instance, t), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Ended(VirtualInstance instance, Task execution)
    {
        if (instance.Terminated)
        {
            return;
        }

        if (execution.IsFaulted)
        {
            _running.Remove(instance.Id);
            Finished++;
            Failed.Add((instance.Id, execution.Exception!.GetBaseException()));
            return;
        }

        if (instance.ContinueWith is { } next)
        {
            instance.Input = next;
            instance.ContinueWith = null;
            Run(instance);
            return;
        }

        _running.Remove(instance.Id);
        Finished++;
    }

    /// <summary>Instances whose orchestrator threw, with the exception (a failed orchestration in a Durable Task backend).</summary>
    public List<(string InstanceId, Exception Error)> Failed { get; } = [];

    private sealed class VirtualActivityContext(TaskName name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name => name;

        public override string InstanceId => instanceId;
    }
}
