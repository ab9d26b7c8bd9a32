using System.Collections.Concurrent;
using System.Diagnostics;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Storage.Azure.Tests;

/// <summary>The real pipeline (ingest, step, timers, dispatch) on Azure Storage: Azurite, the real clock, a recording channel.</summary>
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

    private const string TwoStepJourney = """
    {
      "id": "two-step", "name": "Two sends two seconds apart",
      "trigger": { "event": "purchase" },
      "start": "first",
      "steps": {
        "first": { "type": "send", "medium": "email", "message": "thank-you", "next": "pause" },
        "pause": { "type": "wait", "for": "PT2S", "next": "second" },
        "second": { "type": "send", "medium": "email", "message": "follow-up", "next": "done" },
        "done": { "type": "exit" }
      }
    }
    """;

    private static readonly string[] Messages =
    [
        """{ "id": "thank-you", "email": { "subject": "Thanks {{profile.firstName}}", "text": "Thank you" } }""",
        """{ "id": "follow-up", "email": { "subject": "How is it going?", "text": "Tell us" } }""",
    ];

    private static readonly TimeSpan PumpTimeout = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));

    private CancellationToken Token => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task TwentyCustomers_IdentifyAndPurchase_EachGetsExactlyOneMessage_AndRedeliveryChangesNothing()
    {
        var channel = new RecordingChannel(Medium.Email);
        var (engine, _) = await NewEngineAsync(ThankYouJourney, channel);
        var now = DateTimeOffset.UtcNow;
        var customers = Enumerable.Range(1, 20).Select(i => $"cust-{i:D2}").ToList();
        var events = customers.SelectMany(c => new[]
        {
            Event("i-" + c, "identify", c, now.AddSeconds(-2), ("consent.email", Value.From(true)), ("email", Value.From(c + "@example.com"))),
            Event("p-" + c, "purchase", c, now.AddSeconds(-1), ("amount", Value.From(6000))),
        }).ToList();

        await engine.IngestAsync(events, Token);
        await PumpUntilAsync(engine, () => engine.Metrics.Sent >= 20);
        await PumpUntilIdleAsync(engine);

        Assert.Equal(20, engine.Metrics.Sent);
        Assert.Equal(customers, channel.Sent.Select(m => m.CustomerId).Order(StringComparer.Ordinal));
        Assert.All(channel.Sent, m => Assert.Equal("thank-you", m.MessageId));

        // The same events again (a client retry, or a queue redelivery): markers find them applied, nothing more is sent.
        await engine.IngestAsync(events, Token);
        await PumpUntilAsync(engine, () => engine.Metrics.Duplicates >= events.Count);
        await PumpUntilIdleAsync(engine);

        Assert.True(engine.Metrics.Duplicates > 0);
        Assert.Equal(events.Count, engine.Metrics.Duplicates);
        Assert.Equal(20, engine.Metrics.Sent);
        Assert.Equal(20, channel.Sent.Count);
        Assert.Equal(events.Count, engine.Metrics.EventsApplied);
        Assert.Equal(0, engine.Metrics.Unknown + engine.Metrics.Failed + engine.Metrics.Poison);
    }

    [Fact]
    public async Task WaitOfTwoSeconds_BetweenTwoSends_BothArriveInOrderTheSecondTwoSecondsAfterTheFirstStep()
    {
        var channel = new TimedChannel(Medium.Email);
        var (engine, _) = await NewEngineAsync(TwoStepJourney, channel);
        var now = DateTimeOffset.UtcNow;

        await engine.IngestAsync(
            [
                Event("i1", "identify", "c1", now.AddSeconds(-1), ("consent.email", Value.From(true))),
                Event("p1", "purchase", "c1", now, ("amount", Value.From(100))),
            ],
            Token);
        await PumpUntilAsync(engine, () => engine.Metrics.Sent >= 2);

        var sends = channel.Sent.ToList();
        Assert.Equal(["thank-you", "follow-up"], sends.Select(s => s.Message.MessageId));
        Assert.Equal(["first", "second"], sends.Select(s => s.Message.StepId));
        var gap = sends[1].At - sends[0].At;
        output.WriteLine($"first sent {sends[0].At:O}, second {sends[1].At:O}: {gap.TotalMilliseconds:F0} ms apart");

        // The wait starts when the first send step runs (the step queues its message and moves on), not when the channel
        // delivers it: the second send is due two seconds after the step, which precedes the first delivery by the dispatch
        // lag (tens of milliseconds here). So the deliveries are two seconds apart less that lag, never less.
        var entered = (await engine.GetTimelineAsync("c1", cancellationToken: Token)).Single(t => t.Kind == "journey" && t.Text.StartsWith("entered", StringComparison.Ordinal)).At;
        var lag = sends[0].At - entered;
        output.WriteLine($"first step {entered:O}: first delivery {lag.TotalMilliseconds:F0} ms later");
        Assert.True(lag >= TimeSpan.Zero);
        Assert.True(sends[1].At >= entered + TimeSpan.FromSeconds(2), $"second send {sends[1].At:O} is less than 2 s after the first step {entered:O}");
        Assert.True(gap >= TimeSpan.FromSeconds(2) - lag, $"the sends are {gap.TotalMilliseconds:F0} ms apart, the first delivery lagged {lag.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task HotPath_OnePurchaseThatSendsOneMessage_CountsItsStorageRequests()
    {
        var channel = new RecordingChannel(Medium.Email);
        var (engine, counter) = await NewEngineAsync(ThankYouJourney, channel, eventQueues: 1);
        var now = DateTimeOffset.UtcNow;
        await engine.IngestAsync([Event("i1", "identify", "c1", now.AddSeconds(-1), ("consent.email", Value.From(true)))], Token);
        await PumpUntilIdleAsync(engine);
        counter.Reset();

        await engine.IngestAsync([Event("p1", "purchase", "c1", now, ("amount", Value.From(6000)))], Token);
        var ingest = counter.Total;
        Assert.Equal(1, await engine.PumpEventsAsync(0, Token));
        var step = counter.Total - ingest;
        Assert.Equal(1, await engine.PumpDispatchAsync(Token));
        var dispatch = counter.Total - ingest - step;

        output.WriteLine($"ingest {ingest} + step {step} + dispatch {dispatch} = {counter.Total} storage requests: {counter}");
        Assert.Single(channel.Sent);
        Assert.Equal(1, ingest);
        Assert.InRange(counter.Total, 3, 16);
    }

    private async Task<(JourneyEngine Engine, StorageCallCounter Counter)> NewEngineAsync(string journeyJson, IChannel channel, int eventQueues = 4)
    {
        var messages = Messages.Select(m => MessageParser.Parse(m).Value!).ToList();
        var parsed = JourneyParser.Parse(journeyJson, messages.ToDictionary(m => m.Id, StringComparer.Ordinal));
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        var journey = parsed.Value!;
        var catalog = new Catalog();
        catalog.Load([journey.Version == 0 ? journey with { Version = 1 } : journey], [], messages);

        var clients = StorageClients.FromConnectionString(azurite.ConnectionString);
        var counter = clients.Counter;
        var store = clients.CreateRowStore();
        var queues = clients.CreateQueueFactory();
        var options = new EngineOptions
        {
            CustomersTable = AzuriteFixture.NewTableName("customers"),
            QueuePrefix = "t" + Guid.NewGuid().ToString("N")[..10],
            EventQueueCount = eventQueues,
        };
        var engine = new JourneyEngine(store, queues, catalog, [channel], new VerbatimRenderer(), TimeProvider.System, options);
        await engine.InitializeAsync(Token);
        return (engine, counter);
    }

    private static CustomerEvent Event(string id, string type, string customer, DateTimeOffset at, params (string Key, Value Value)[] props) =>
        new(id, type, customer, at, props.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    private async Task PumpUntilAsync(JourneyEngine engine, Func<bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < PumpTimeout, $"not done after {PumpTimeout.TotalSeconds} s: sent {engine.Metrics.Sent}, duplicates {engine.Metrics.Duplicates}");
            if (await engine.PumpAllAsync(Token) == 0)
            {
                await Task.Delay(50, Token);
            }
        }
    }

    private async Task PumpUntilIdleAsync(JourneyEngine engine)
    {
        var clock = Stopwatch.StartNew();
        while (await engine.PumpAllAsync(Token) > 0)
        {
            Assert.True(clock.Elapsed < PumpTimeout, $"still busy after {PumpTimeout.TotalSeconds} s");
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
}
