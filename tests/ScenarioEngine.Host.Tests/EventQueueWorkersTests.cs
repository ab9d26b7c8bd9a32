using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Jobs;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Journeys;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Host.Tests;

/// <summary>The events-queue workers' idle backoff (the host runs it, and the journeys load driver measures with it).</summary>
public sealed class EventQueueWorkersTests
{
    [Fact]
    public async Task ExecuteAsync_QueueStaysEmpty_PollsAgainAfter50MsThenTwiceAsLongUpToIdlePollDelay()
    {
        var faults = new FaultInjector();
        var engine = new JourneyEngine(new InMemoryRowStore(faults), new InMemoryQueueFactory(TimeProvider.System, faults), new Catalog(), new NoInstances(),
            TimeProvider.System, new EngineOptions { EventQueueCount = 1 });
        await engine.InitializeAsync();
        var delays = new DelayRecorder(fire: 8);
        using var workers = new EventQueueWorkers(engine, Options.Create(new EngineHostOptions { IdlePollDelay = TimeSpan.FromMilliseconds(700) }), delays,
            NullLogger<EventQueueWorkers>.Instance);

        await workers.StartAsync(CancellationToken.None);
        await delays.Held.WaitAsync(TimeSpan.FromSeconds(30));
        await workers.StopAsync(CancellationToken.None);

        Assert.Equal([50, 100, 200, 400, 700, 700, 700, 700, 700], delays.Requested.Select(d => d.TotalMilliseconds));
    }

    /// <summary>Records each delay asked for and ends it at once, the first <c>fire</c> of them; holds the next until the workers stop.</summary>
    private sealed class DelayRecorder(int fire) : TimeProvider
    {
        private readonly List<TimeSpan> _requested = [];
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Held => _held.Task;

        public IReadOnlyList<TimeSpan> Requested
        {
            get
            {
                lock (_requested)
                {
                    return [.. _requested];
                }
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            int count;
            lock (_requested)
            {
                _requested.Add(dueTime);
                count = _requested.Count;
            }

            if (count <= fire)
            {
                ThreadPool.QueueUserWorkItem(_ => callback(state));
            }
            else
            {
                _held.TrySetResult();
            }

            return new NoTimer();
        }
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class NoInstances : IJourneyInstances
    {
        public Task StartAsync(JourneyStart start, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task RaiseAsync(string instanceId, JourneyEventDelivery delivery, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
