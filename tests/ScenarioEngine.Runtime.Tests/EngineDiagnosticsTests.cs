using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Diagnostics;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Simulation;
using ScenarioEngine.Runtime.Storage;
using static ScenarioEngine.Runtime.Tests.EngineHarness;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>The engine's failures are logged with their exception (and retried), never only counted; a stopping token ends a pump.</summary>
public sealed class EngineDiagnosticsTests
{
    private static readonly MessageDocument Hello = Message("hello");

    internal static readonly Journey Mail = Journey("""
        { "id": "mail", "name": "Mail", "trigger": { "event": "purchase" }, "start": "send",
          "steps": { "send": { "type": "send", "medium": "email", "message": "hello", "next": "done" }, "done": { "type": "exit" } } }
        """, Hello);

    [Fact]
    public async Task PumpEvents_OneCustomerFails_LogsTheFailureAndRetriesItsMessage()
    {
        // One handler at a time: the orchestrations in virtual time are single-threaded.
        var h = new EngineHarness([Mail], [Hello], new EngineOptions { HandlerConcurrency = 1, EventQueueCount = 1 },
            wrapStore: store => new InterceptingRowStore(store, query: FailFirstReadOf("c1")));
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0), Identify("c2", T0));

        await h.RunUntilAsync(T0.AddMinutes(30));

        var logged = Assert.Single(h.Logger.WithId(1000));
        Assert.IsType<IOException>(logged.Exception);
        Assert.Single(h.Recording(Medium.Email).Sent, m => m.CustomerId == "c1");
    }

    [Fact]
    public async Task PumpEvents_MessageNotJson_LogsUnreadableAndPoisonsItAfterTooManyTries()
    {
        var h = new EngineHarness([Mail], [Hello], new EngineOptions { HandlerConcurrency = 8, EventQueueCount = 1, MaxDequeueCount = 2 });
        await h.InitializeAsync();
        await h.Queues.Get(h.Options.EventQueue(0)).SendAsync("not json");

        // Three deliveries (not RunUntilAsync: a message on the poison queue, which nothing pumps, stays visible for ever).
        for (var i = 0; i < 3; i++)
        {
            await h.DrainAsync();
            h.Clock.Advance(h.Options.VisibilityTimeout + TimeSpan.FromSeconds(1));
        }

        Assert.Equal(2, h.Logger.WithId(1002).Count);
        Assert.Single(h.Logger.WithId(1001));
        Assert.Equal(1, await h.Queues.Get(h.Options.EventQueue(0) + "-poison").CountAsync());
    }

    [Fact]
    public async Task PumpAll_StoppingTokenCancelledDuringAStorageCall_ThrowsAndLeavesTheMessage()
    {
        using var stopping = new CancellationTokenSource();
        var h = new EngineHarness([Mail], [Hello], new EngineOptions { HandlerConcurrency = 1, EventQueueCount = 1 },
            wrapStore: store => new InterceptingRowStore(store, commit: async ct =>
            {
                // The host stops during the first commit: a storage client given the stopping token throws.
                await stopping.CancelAsync();
                ct.ThrowIfCancellationRequested();
                return null;
            }));
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Engine.PumpAllAsync(stopping.Token));

        Assert.Empty(h.Logger.WithId(1003));
        Assert.Equal(0, h.Engine.Metrics.HandlerFailures);
        Assert.Equal(0, h.Engine.Metrics.EventsApplied);
        Assert.Empty(h.AllRecorded);
        Assert.Equal(1, await h.Queues.Get(h.Options.EventQueue(0)).CountAsync());
    }

    // The first partition read of the customer fails, as a storage hiccup would.
    private static Func<string, Exception?> FailFirstReadOf(string customerId)
    {
        var failed = 0;
        return partition => partition == customerId && Interlocked.Exchange(ref failed, 1) == 0 ? new IOException($"storage unavailable for {partition} (injected once)") : null;
    }
}

/// <summary>The "ScenarioEngine" meter, observed with a MeterListener; alone in its collection so no other test's engine adds to the counts.</summary>
[Collection(nameof(MeterTests))]
[CollectionDefinition(nameof(MeterTests), DisableParallelization = true)]
public sealed class MeterTests
{
    private static readonly MessageDocument Hello = Message("hello");

    [Fact]
    public async Task Send_Delivered_IncrementsSendsWithMediumAndOutcomeTags()
    {
        var sends = new List<(long Value, string? Medium, string? Outcome)>();
        var storage = new List<string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EngineMeter.Name && instrument.Name is "scenarioengine.sends" or "scenarioengine.storage.calls")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? medium = null, outcome = null, operation = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "medium":
                        medium = tag.Value as string;
                        break;
                    case "outcome":
                        outcome = tag.Value as string;
                        break;
                    case "operation":
                        operation = tag.Value as string;
                        break;
                }
            }

            lock (sends)
            {
                if (instrument.Name == "scenarioengine.sends")
                {
                    sends.Add((value, medium, outcome));
                }
                else
                {
                    storage.Add(operation);
                }
            }
        });
        listener.Start();
        var h = new EngineHarness([EngineDiagnosticsTests.Mail], [Hello]);
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0));

        await h.DrainAsync();

        Assert.Equal([(1L, Medium.Email, "sent")], sends);
        Assert.Contains("table.commit", storage);
        Assert.Contains("queue.send", storage);
    }
}
