using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Jobs;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Core.Model;
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
        await delays.HeldAsync();
        await workers.StopAsync(CancellationToken.None);

        Assert.Equal([50, 100, 200, 400, 700, 700, 700, 700, 700], delays.Requested.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public async Task ExecuteAsync_EventsQueuedByThisProcessWhileIdle_AppliesThemWithoutWaitingOutTheDelay()
    {
        // Arrange: every idle delay is held (time never passes), so only the signal of the events queued can wake the idle loop.
        var faults = new FaultInjector();
        var engine = new JourneyEngine(new InMemoryRowStore(faults), new InMemoryQueueFactory(TimeProvider.System, faults), new Catalog(), new NoInstances(),
            TimeProvider.System, new EngineOptions { EventQueueCount = 2 });
        await engine.InitializeAsync();
        var delays = new DelayRecorder(fire: 0);
        using var workers = new EventQueueWorkers(engine, Options.Create(new EngineHostOptions { IdlePollDelay = TimeSpan.FromHours(1) }), delays,
            NullLogger<EventQueueWorkers>.Instance);
        await workers.StartAsync(CancellationToken.None);
        await delays.HeldAsync();
        await delays.HeldAsync();

        // Act
        await engine.IngestAsync([new CustomerEvent("e1", "purchase", "c1", DateTimeOffset.UtcNow, CustomerEvent.NoProperties)]);
        await delays.HeldAsync();
        var applied = engine.Metrics.EventsApplied;
        await workers.StopAsync(CancellationToken.None);

        // Assert: the loop of c1's queue applied the event and went idle again, from its first delay; the other loop slept on.
        Assert.Equal(1, applied);
        Assert.Equal([50, 50, 50], delays.Requested.Select(d => d.TotalMilliseconds));
    }

    /// <summary>
    /// Records each delay asked for and ends it at once, the first <c>fire</c> of them; holds the others until the workers stop, and
    /// <see cref="HeldAsync"/> waits for the next one held.
    /// </summary>
    private sealed class DelayRecorder(int fire) : TimeProvider
    {
        private readonly List<TimeSpan> _requested = [];
        private readonly SemaphoreSlim _held = new(0);

        public async Task HeldAsync()
        {
            if (!await _held.WaitAsync(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException("no delay was asked for and held within 30 s");
            }
        }

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
                _held.Release();
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
}
