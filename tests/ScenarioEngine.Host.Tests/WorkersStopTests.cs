using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Host.Hosting;
using ScenarioEngine.Api.Jobs;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Host.Tests;

/// <summary>The standalone workers' stop: dispatches handed over in the process and not yet sent move to the dispatch queue.</summary>
public sealed class WorkersStopTests
{
    [Fact]
    public async Task Stop_HandoffsWaiting_MovedToTheDispatchQueueAndLogged()
    {
        var message = MessageParser.Parse("""{ "id": "hello", "webhook": { "payload": { "m": "hello" } } }""").Value!;
        var journey = JourneyParser.Parse("""
            {
              "id": "thanks", "name": "Thanks", "trigger": { "event": "purchase" }, "start": "send",
              "steps": { "send": { "type": "send", "medium": "webhook", "message": "hello", "next": "done" }, "done": { "type": "exit" } }
            }
            """, new Dictionary<string, MessageDocument> { ["hello"] = message }).Value! with { Version = 1 };
        var catalog = new ScenarioEngine.Runtime.Engine.Catalog();
        catalog.Load([journey], [], [message]);
        var queues = new InMemoryQueueFactory(TimeProvider.System);
        var channel = new RecordingChannel(Medium.Webhook);
        var engine = new JourneyEngine(new InMemoryRowStore(), queues, catalog, [channel], new VerbatimRenderer(), TimeProvider.System,
            new EngineOptions { HandlerConcurrency = 1, EventQueueCount = 1, LocalDispatchLimit = 100 });
        await engine.InitializeAsync();
        var now = DateTimeOffset.UtcNow;
        await engine.IngestAsync([
            new CustomerEvent("p1", "purchase", "c1", now, new Dictionary<string, Value>()),
            new CustomerEvent("p2", "purchase", "c2", now, new Dictionary<string, Value>()),
        ]);
        await engine.PumpEventsAsync(0);
        Assert.Equal(2, engine.LocalDispatchPending);

        var log = new ListLogger();
        var jobs = new ScheduledJobs(engine, Options.Create(new EngineHostOptions()), Options.Create(new PolicySettings()), TimeProvider.System, NullLogger<ScheduledJobs>.Instance);
        var workers = new EngineWorkers(engine, jobs, Options.Create(new EngineHostOptions()), TimeProvider.System, log);
        await workers.StopAsync(CancellationToken.None);

        Assert.Equal(0, engine.LocalDispatchPending);
        Assert.Equal(2, await queues.Get(engine.Options.DispatchQueue).CountAsync());
        Assert.Empty(channel.Sent);
        Assert.Contains(log.Entries, e => e.Id == 4030 && e.Text.Contains('2', StringComparison.Ordinal));

        // The next process (or the next start) sends them from the queue, once each.
        Assert.Equal(2, await engine.PumpDispatchAsync());
        Assert.Equal(["c1", "c2"], channel.Sent.Select(m => m.CustomerId).Order());
    }

    private sealed class ListLogger : ILogger<EngineWorkers>
    {
        public List<(int Id, string Text)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((eventId.Id, formatter(state, exception)));
    }
}
