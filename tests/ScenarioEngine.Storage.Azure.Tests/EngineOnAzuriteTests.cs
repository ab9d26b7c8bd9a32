using System.Collections.Concurrent;
using System.Diagnostics;
using DurableTask.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScenarioEngine.Api;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys;
using ScenarioEngine.Journeys.AzureStorage;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Storage.Azure.Tests;

/// <summary>
/// The real pipeline on Azure Storage (Azurite, the real clock): the engine's ingest on the Table and Queue adapters starting and
/// raising journeys on DurableTaskJourneyBackend, whose activities claim and record sends in the same customers table and hand them
/// to a recording channel. The ports come from the hosts' own wiring (<see cref="JourneyServices.AddJourneyPorts"/>).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EngineOnAzuriteTests(AzuriteFixture azurite, ITestOutputHelper output) : IDisposable
{
    private const string ThankYouJourney = """
    {
      "id": "thanks", "name": "Thank you",
      "trigger": { "event": "purchase", "where": { "attr": "event.amount", "gte": 5000 } },
      "start": "thanks",
      "steps": {
        "thanks": { "type": "send", "medium": "email", "message": "thank-you", "next": "done" },
        "done": { "type": "exit" }
      }
    }
    """;

    private static readonly string TwoStepJourney = SendWaitSendJourney.Json("two-step", "thank-you", "follow-up");

    private const string ReviewJourney = """
    {
      "id": "review", "name": "Thank you, then thanks for the review",
      "trigger": { "event": "purchase" },
      "start": "thanks",
      "steps": {
        "thanks": { "type": "send", "medium": "email", "message": "thank-you", "next": "wait-review" },
        "wait-review": { "type": "waitForEvent", "event": "review", "timeout": "PT1M", "onEvent": "reviewed", "onTimeout": "done" },
        "reviewed": { "type": "send", "medium": "email", "message": "follow-up", "next": "done" },
        "done": { "type": "exit" }
      }
    }
    """;

    private static readonly string[] Messages =
    [
        """{ "id": "thank-you", "email": { "subject": "Thanks {{profile.firstName}}", "text": "Thank you" } }""",
        """{ "id": "follow-up", "email": { "subject": "How is it going?", "text": "Tell us" } }""",
    ];

    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(150));

    private CancellationToken Token => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task IngestAsync_TwentyCustomersIdentifyAndPurchase_EachGetsExactlyOneMessage_AndRedeliveryChangesNothing()
    {
        var channel = new TimedChannel(Medium.Email);
        await using var pipeline = await StartAsync(ThankYouJourney, channel);
        var now = DateTimeOffset.UtcNow;
        var customers = Enumerable.Range(1, 20).Select(i => $"cust-{i:D2}").ToList();
        var events = customers.SelectMany(c => new[]
        {
            Event("i-" + c, "identify", c, now.AddSeconds(-2), ("consent.email", Value.From(true)), ("email", Value.From(c + "@example.com"))),
            Event("p-" + c, "purchase", c, now.AddSeconds(-1), ("amount", Value.From(6000))),
        }).ToList();

        await pipeline.Engine.IngestAsync(events, Token);
        await pipeline.PumpUntilAsync(() => channel.Sent.Count >= 20, "20 messages sent", Token);
        await pipeline.UntilCompletedAsync(customers.Select(c => JourneyInstanceId.For(c, "thanks", "p-" + c)), Token);

        Assert.Equal(customers, channel.Sent.Select(m => m.Message.CustomerId).Order(StringComparer.Ordinal));
        Assert.All(channel.Sent, m => Assert.Equal("thank-you", m.Message.MessageId));
        Assert.Equal(20, (await pipeline.Engine.GetStatsAsync("thanks", Token)).Counts.GetValueOrDefault("thanks.sent"));
        Assert.Equal(20, pipeline.Engine.Metrics.Started);

        // The same events again (a client retry, or a queue redelivery): the markers find them applied and replay the starts they
        // caused; each instance's send finds its claim settled in the ledger, so nothing is sent again.
        var again = DateTimeOffset.UtcNow;
        await pipeline.Engine.IngestAsync(events, Token);
        await pipeline.PumpUntilAsync(() => pipeline.Engine.Metrics.Duplicates >= events.Count, "every redelivered event found applied", Token);
        await pipeline.UntilCompletedAsync(customers.Select(c => JourneyInstanceId.For(c, "thanks", "p-" + c)), Token, after: again);

        Assert.Equal(events.Count, pipeline.Engine.Metrics.Duplicates);
        Assert.Equal(events.Count, pipeline.Engine.Metrics.EventsApplied);
        Assert.Equal(40, pipeline.Engine.Metrics.Started);
        Assert.Equal(20, channel.Sent.Count);
        Assert.Equal(20, channel.Sent.Select(m => m.Message.IdempotencyKey).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(0, pipeline.Engine.Metrics.Poison + pipeline.Engine.Metrics.HandlerFailures);
    }

    [Fact]
    public async Task IngestAsync_WaitOfTwoSecondsBetweenTwoSends_BothArriveInOrderTheSecondAtLeastTwoSecondsAfterThePost()
    {
        var channel = new TimedChannel(Medium.Email);
        await using var pipeline = await StartAsync(TwoStepJourney, channel);
        var posted = DateTimeOffset.UtcNow;

        await pipeline.Engine.IngestAsync(
            [
                Event("i1", "identify", "c1", posted.AddSeconds(-1), ("consent.email", Value.From(true))),
                Event("p1", "purchase", "c1", posted, ("amount", Value.From(100))),
            ],
            Token);
        await pipeline.PumpUntilAsync(() => channel.Sent.Count >= 2, "both messages sent", Token);

        var sends = channel.Sent.ToList();
        Assert.Equal(["thank-you", "follow-up"], sends.Select(s => s.Message.MessageId));
        Assert.Equal(SendWaitSendJourney.SendSteps, sends.Select(s => s.Message.StepId));
        output.WriteLine($"posted {posted:O}; first sent {sends[0].At:O}, second {sends[1].At:O}: {(sends[1].At - sends[0].At).TotalMilliseconds:F0} ms apart");

        // The wait is timed from the first step (before its send activity ran), so the second send is due two seconds after the step,
        // which follows the post: at least two seconds after the post, and more than one after the first delivery.
        Assert.True(sends[1].At >= posted + TimeSpan.FromSeconds(2), $"second send {sends[1].At:O} is less than 2 s after the post {posted:O}");
        Assert.True(sends[1].At - sends[0].At > TimeSpan.FromSeconds(1), $"the sends are {(sends[1].At - sends[0].At).TotalMilliseconds:F0} ms apart");
    }

    [Fact]
    public async Task IngestAsync_CustomersEventsPostedOutOfOrder_AreAppliedInTimeOrderSoTheStartPrecedesTheRaise()
    {
        var channel = new TimedChannel(Medium.Email);
        await using var pipeline = await StartAsync(ReviewJourney, channel);
        var now = DateTimeOffset.UtcNow;
        var customers = Enumerable.Range(1, 10).Select(i => $"rev-{i:D2}").ToList();

        // Each customer's review is posted before the purchase it follows, in one batch: the engine applies a customer's events in
        // time order, so the purchase starts the instance and the review is raised to it afterwards, and the journey takes its event branch.
        var events = customers.SelectMany(c => new[]
        {
            Event("r-" + c, "review", c, now, ("stars", Value.From(5))),
            Event("p-" + c, "purchase", c, now.AddSeconds(-1), ("amount", Value.From(3000))),
            Event("i-" + c, "identify", c, now.AddSeconds(-2), ("consent.email", Value.From(true))),
        }).ToList();
        await pipeline.Engine.IngestAsync(events, Token);
        await pipeline.PumpUntilAsync(() => channel.Sent.Count >= 2 * customers.Count, "both messages to every customer", Token);

        foreach (var customer in customers)
        {
            var sends = channel.Sent.Where(s => s.Message.CustomerId == customer).ToList();
            Assert.Equal(["thank-you", "follow-up"], sends.Select(s => s.Message.MessageId));
            var timeline = await pipeline.Engine.GetTimelineAsync(customer, cancellationToken: Token);
            Assert.Equal(["identify", "purchase", "review"], timeline.Where(t => t.Kind == "event").Reverse().Select(t => t.Text));
        }

        Assert.Equal(customers.Count, pipeline.Engine.Metrics.Started);
        Assert.Equal(customers.Count, pipeline.Engine.Metrics.Raised);
    }

    [Fact]
    public async Task IngestAsync_OnePurchaseThatSendsOneMessage_CountsTheStorageRequestsOfEachPart()
    {
        var channel = new TimedChannel(Medium.Email);
        await using var pipeline = await StartAsync(ThankYouJourney, channel, eventQueues: 1);
        var now = DateTimeOffset.UtcNow;
        await pipeline.Engine.IngestAsync([Event("i1", "identify", "c1", now.AddSeconds(-1), ("consent.email", Value.From(true)))], Token);
        await pipeline.PumpUntilAsync(() => pipeline.Engine.Metrics.EventsApplied >= 1, "identify applied", Token);
        var startup = pipeline.BackendCalls.Snapshot();
        pipeline.ResetCounters();

        await pipeline.Engine.IngestAsync([Event("p1", "purchase", "c1", now, ("amount", Value.From(6000)))], Token);
        var ingest = pipeline.EngineCalls.Total;
        Assert.Equal(1, await pipeline.Engine.PumpEventsAsync(0, Token));
        var apply = pipeline.EngineCalls.Total - ingest;
        await pipeline.UntilCompletedAsync([JourneyInstanceId.For("c1", "thanks", "p1")], Token);

        output.WriteLine($"ingest {ingest}, apply and start {apply} ({pipeline.EngineCalls})");
        output.WriteLine($"send and record activities {pipeline.ActivityCalls}");
        output.WriteLine($"Durable Task backend, polling included {pipeline.BackendCalls}");
        Assert.Single(channel.Sent);
        Assert.Equal(1, ingest); // one queue message
        Assert.Equal(4, apply); // receive, the customer's query, one batch, delete
        Assert.InRange(pipeline.ActivityCalls.Total, 3, 12);
        Assert.Contains(startup.Keys, k => k.StartsWith("blob.", StringComparison.Ordinal)); // the partition leases, taken at start
        Assert.Contains("queue.send", pipeline.BackendCalls.Snapshot().Keys);
        Assert.Contains("table.write", pipeline.BackendCalls.Snapshot().Keys);
    }

    private async Task<Pipeline> StartAsync(string journeyJson, IChannel channel, int eventQueues = 4)
    {
        var messages = Messages.Select(m => MessageParser.Parse(m).Value!).ToList();
        var parsed = JourneyParser.Parse(journeyJson, messages.ToDictionary(m => m.Id, StringComparer.Ordinal));
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        var journey = parsed.Value!;
        var catalog = new Catalog();
        catalog.Load([journey.Version == 0 ? journey with { Version = 1 } : journey], [], messages);
        var options = new EngineOptions
        {
            CustomersTable = AzuriteFixture.NewTableName("customers"),
            QueuePrefix = "t" + Guid.NewGuid().ToString("N")[..10],
            EventQueueCount = eventQueues,
        };

        var pipeline = new Pipeline(azurite.ConnectionString, catalog, channel, options, output);
        await pipeline.StartAsync(Token);
        return pipeline;
    }

    private static CustomerEvent Event(string id, string type, string customer, DateTimeOffset at, params (string Key, Value Value)[] props) =>
        new(id, type, customer, at, props.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    /// <summary>
    /// The engine on its own storage clients, the activities' ports on another client of the same account (to count them apart) and the
    /// Durable Task backend on a task hub of its own.
    /// </summary>
    private sealed class Pipeline(string connectionString, Catalog catalog, IChannel channel, EngineOptions options, ITestOutputHelper output) : IAsyncDisposable
    {
        private readonly StorageClients _engineClients = StorageClients.FromConnectionString(connectionString);
        private readonly StorageClients _activityClients = StorageClients.FromConnectionString(connectionString);
        private ServiceProvider? _services;
        private DurableTaskJourneyBackend? _backend;

        public JourneyEngine Engine { get; private set; } = null!;

        public StorageCallCounter EngineCalls => _engineClients.Counter;

        public StorageCallCounter ActivityCalls => _activityClients.Counter;

        public StorageCallCounter BackendCalls { get; } = new();

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            _services = new ServiceCollection()
                .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
                .AddLogging(b => b.AddProvider(new OutputLoggerProvider(output)).SetMinimumLevel(LogLevel.Warning))
                .AddSingleton(Options.Create(options))
                .AddSingleton<IRowStore>(_activityClients.CreateRowStore())
                .AddSingleton(catalog)
                .AddSingleton<IMessageRenderer>(new VerbatimRenderer())
                .AddSingleton(new ChannelSet([channel]))
                .AddSingleton(TimeProvider.System)
                .AddJourneyPorts()
                .BuildServiceProvider();
            var backendOptions = new AzureStorageJourneyBackendOptions
            {
                ConnectionString = connectionString,
                TaskHubName = "hub" + Guid.NewGuid().ToString("N")[..12],
                ConfigureClientOptions = BackendCalls.AddTo,
            };
            var loggers = _services.GetRequiredService<ILoggerFactory>();
            _backend = await DurableTaskJourneyBackend.StartOnAzureStorageAsync(backendOptions, DurableTaskSet.Journeys(), _services, loggers);
            Engine = new JourneyEngine(_engineClients.CreateRowStore(), _engineClients.CreateQueueFactory(), catalog, _backend, TimeProvider.System, options,
                logger: loggers.CreateLogger<JourneyEngine>(), recentRows: _services.GetRequiredService<RecentRows>());
            await Engine.InitializeAsync(cancellationToken);
            await JourneyServices.InitializeAsync(_services, cancellationToken);
        }

        public void ResetCounters()
        {
            EngineCalls.Reset();
            ActivityCalls.Reset();
            BackendCalls.Reset();
        }

        /// <summary>Pumps the events queues, as the host's workers do, until <paramref name="done"/>.</summary>
        public async Task PumpUntilAsync(Func<bool> done, string what, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            while (!done())
            {
                Assert.True(clock.Elapsed < WaitLimit, $"not within {WaitLimit.TotalSeconds} s: {what} (applied {Engine.Metrics.EventsApplied}, started {Engine.Metrics.Started})");
                if (await Engine.PumpAllAsync(cancellationToken) == 0)
                {
                    await Task.Delay(50, cancellationToken);
                }
            }
        }

        /// <summary>Waits until every instance has completed (an execution that ended after <paramref name="after"/>, when given).</summary>
        public async Task UntilCompletedAsync(IEnumerable<string> instanceIds, CancellationToken cancellationToken, DateTimeOffset? after = null)
        {
            var clock = Stopwatch.StartNew();
            foreach (var id in instanceIds)
            {
                while (await _backend!.GetStateAsync(id) is not { OrchestrationStatus: OrchestrationStatus.Completed } state || (after is { } t && state.CompletedTime < t.UtcDateTime))
                {
                    Assert.True(clock.Elapsed < WaitLimit, $"instance {id} not completed within {WaitLimit.TotalSeconds} s");
                    await Engine.PumpAllAsync(cancellationToken);
                    await Task.Delay(100, cancellationToken);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_backend is not null)
            {
                await _backend.DisposeAsync();
            }

            if (_services is not null)
            {
                await _services.DisposeAsync();
            }
        }
    }

    /// <summary>Records each message with the time it reached the channel.</summary>
    private sealed class TimedChannel(string medium) : IChannel
    {
        private readonly ConcurrentQueue<(OutboundMessage Message, DateTimeOffset At)> _sent = new();

        public string Medium { get; } = medium;

        public IReadOnlyCollection<(OutboundMessage Message, DateTimeOffset At)> Sent => _sent;

        public Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
        {
            _sent.Enqueue((message, TimeProvider.System.GetUtcNow()));
            return Task.FromResult<DeliveryResult>(new Delivered("rec-" + message.IdempotencyKey));
        }
    }

    /// <summary>Writes warnings and errors of the engine, backend and activities to the test output, so a failure explains itself.</summary>
    private sealed class OutputLoggerProvider(ITestOutputHelper output) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new OutputLogger(output, categoryName);

        public void Dispose()
        {
        }

        private sealed class OutputLogger(ITestOutputHelper output, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                try
                {
                    output.WriteLine($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");
                }
                catch (InvalidOperationException)
                {
                    // The test has finished; the backend may still be stopping.
                }
            }
        }
    }
}
