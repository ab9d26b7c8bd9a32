using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using ScenarioEngine.Runtime.Integration;
using ScenarioEngine.Storage.Azure.ServiceBus;

namespace ScenarioEngine.Storage.Azure.Tests.ServiceBus;

/// <summary>
/// The Service Bus publisher against a Moq'd <see cref="ServiceBusSender"/> and batches from <see cref="ServiceBusModelFactory"/>
/// (there is no Service Bus emulator without Docker): message properties, body per type, retries, back-pressure, shutdown.
/// </summary>
public sealed class ServiceBusIntegrationEventsTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 1, 0, 5, TimeSpan.Zero);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>A sender whose batches record what was added, and whose sends run <paramref name="send"/> (success when null).</summary>
    private sealed class FakeTopic
    {
        public FakeTopic(Func<int, CancellationToken, Task>? send = null, long batchBytes = 256 * 1024)
        {
            Sender.Setup(s => s.CreateMessageBatchAsync(It.IsAny<CancellationToken>())).Returns(() =>
            {
                var store = new List<ServiceBusMessage>();
                var size = 0L;
                var batch = ServiceBusModelFactory.ServiceBusMessageBatch(batchBytes, store, tryAddCallback: m =>
                {
                    size += m.Body.ToMemory().Length + 100;
                    return size <= batchBytes;
                });
                lock (_batches)
                {
                    _batches[batch] = store;
                }

                return ValueTask.FromResult(batch);
            });
            Sender.Setup(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>()))
                .Returns(async (ServiceBusMessageBatch batch, CancellationToken ct) =>
                {
                    var call = Interlocked.Increment(ref _calls);
                    if (send is not null)
                    {
                        await send(call, ct);
                    }

                    lock (_batches)
                    {
                        Sent.AddRange(_batches[batch]);
                    }
                });
        }

        private readonly Dictionary<ServiceBusMessageBatch, List<ServiceBusMessage>> _batches = [];
        private int _calls;

        public Mock<ServiceBusSender> Sender { get; } = new();

        public List<ServiceBusMessage> Sent { get; } = [];

        public int Calls => Volatile.Read(ref _calls);
    }

    private static ServiceBusOptions Options(int capacity = 1000, int maxBatch = 100, int attempts = 5) => new()
    {
        ConnectionString = "Endpoint=sb://shop.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=x",
        Topic = "engine-events",
        BufferCapacity = capacity,
        MaxBatchSize = maxBatch,
        MaxAttempts = attempts,
        MinRetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
        ShutdownTimeout = TimeSpan.FromSeconds(5),
    };

    private static ServiceBusIntegrationEvents Publisher(FakeTopic topic, ServiceBusOptions options) =>
        new(topic.Sender.Object, options, TimeProvider.System, NullLogger<ServiceBusIntegrationEvents>.Instance);

    private static IntegrationEvent Entered(int i, string customer = "c-1001") =>
        IntegrationEvent.JourneyEntered(customer, "welcome", 2, $"welcome:e{i}", $"e{i}", At.AddSeconds(i));

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (!condition())
        {
            await Task.Delay(5, timeout.Token).ContinueWith(t => Assert.False(t.IsCanceled, "timed out waiting for " + what), TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task Run_Published_MessageIdIsEventIdSessionIsCustomerSubjectIsType()
    {
        var topic = new FakeTopic();
        var publisher = Publisher(topic, Options());
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token);
        var events = new[]
        {
            Entered(1, "c-1"),
            IntegrationEvent.MessageOutcome(IntegrationEventTypes.MessageSent, "c-2", "welcome", 2, "welcome:e2", "mail", "email", "hello", "welcome:e2/1/mail", "sg-1", null, At),
            IntegrationEvent.SegmentChanged(entered: true, "c-3", "vip", "o-9", At),
        };

        foreach (var e in events)
        {
            publisher.Publish(e);
        }

        await UntilAsync(() => publisher.Published == 3, "three published");
        await stop.CancelAsync();
        await run;

        Assert.Equal(events.Select(e => e.Id), topic.Sent.Select(m => m.MessageId));
        Assert.Equal(["c-1", "c-2", "c-3"], topic.Sent.Select(m => m.SessionId));
        Assert.Equal(events.Select(e => e.Type), topic.Sent.Select(m => m.Subject));
        Assert.All(topic.Sent, m => Assert.Equal("application/json", m.ContentType));
        Assert.All(topic.Sent, m => Assert.Equal(1, m.ApplicationProperties["schemaVersion"]));
        Assert.Equal(events.Select(IntegrationEventJson.ToUtf8), topic.Sent.Select(m => m.Body.ToArray()));
        Assert.Equal((0, 0, 0), (publisher.Retried, publisher.Failed, publisher.Dropped));
    }

    [Theory]
    [InlineData(IntegrationEventTypes.JourneyEntered, new[] { "journeyId", "version", "instanceId", "causeEventId" })]
    [InlineData(IntegrationEventTypes.JourneyExited, new[] { "journeyId", "version", "instanceId", "stepId", "reason" })]
    [InlineData(IntegrationEventTypes.JourneyConverted, new[] { "journeyId", "version", "instanceId", "causeEventId" })]
    [InlineData(IntegrationEventTypes.MessageSent, new[] { "journeyId", "version", "instanceId", "stepId", "medium", "messageId", "sendKey", "providerMessageId" })]
    [InlineData(IntegrationEventTypes.MessageSkipped, new[] { "journeyId", "version", "instanceId", "stepId", "medium", "messageId", "sendKey", "reason" })]
    [InlineData(IntegrationEventTypes.MessageFailed, new[] { "journeyId", "version", "instanceId", "stepId", "medium", "messageId", "sendKey", "reason" })]
    [InlineData(IntegrationEventTypes.SegmentEntered, new[] { "segmentId", "causeEventId" })]
    [InlineData(IntegrationEventTypes.SegmentLeft, new[] { "segmentId", "causeEventId" })]
    public void From_EachType_BodyCarriesTheCommonAndTheTypesFields(string type, string[] fields)
    {
        var e = type switch
        {
            IntegrationEventTypes.JourneyEntered => Entered(1),
            IntegrationEventTypes.JourneyExited => IntegrationEvent.JourneyExited("c-1001", "welcome", 2, "welcome:e1", "done", "completed", At),
            IntegrationEventTypes.JourneyConverted => IntegrationEvent.JourneyConverted("c-1001", "welcome", 2, "welcome:e1", "o-1", At),
            IntegrationEventTypes.MessageSent => IntegrationEvent.MessageOutcome(type, "c-1001", "welcome", 2, "welcome:e1", "mail", "email", "hello", "k", "sg-1", null, At),
            IntegrationEventTypes.MessageSkipped or IntegrationEventTypes.MessageFailed =>
                IntegrationEvent.MessageOutcome(type, "c-1001", "welcome", 2, "welcome:e1", "mail", "email", "hello", "k", null, "why", At),
            _ => IntegrationEvent.SegmentChanged(type == IntegrationEventTypes.SegmentEntered, "c-1001", "vip", "o-1", At),
        };

        var message = IntegrationEventMessage.From(e);

        using var body = JsonDocument.Parse(message.Body.ToMemory());
        var names = body.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["schemaVersion", "id", "type", "occurredAt", "customerId", .. fields], names);
        Assert.Equal(1, body.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(e.Id, body.RootElement.GetProperty("id").GetString());
        Assert.Equal(type, body.RootElement.GetProperty("type").GetString());
        Assert.Equal((e.Id, "c-1001", type), (message.MessageId, message.SessionId, message.Subject));
    }

    [Fact]
    public void SessionId_CustomerIdLongerThanServiceBusAllows_FixedAndWithinTheLimit()
    {
        var longId = new string('k', 200);

        var session = IntegrationEventMessage.SessionId(longId);

        Assert.Equal(128, session.Length);
        Assert.StartsWith(new string('k', 95) + "~", session, StringComparison.Ordinal);
        Assert.Equal(session, IntegrationEventMessage.SessionId(longId));
        Assert.NotEqual(session, IntegrationEventMessage.SessionId(new string('k', 199) + "j"));
        Assert.Equal("c-1", IntegrationEventMessage.SessionId("c-1"));
    }

    [Fact]
    public async Task Run_SendThrowsServiceBusException_RetriedWithTheSameMessageIds()
    {
        var topic = new FakeTopic((call, _) => call <= 2
            ? throw new ServiceBusException("the namespace is busy", ServiceBusFailureReason.ServiceBusy)
            : Task.CompletedTask);
        var publisher = Publisher(topic, Options());
        publisher.Publish(Entered(1));
        publisher.Publish(Entered(2));
        using var stop = new CancellationTokenSource();

        var run = publisher.RunAsync(stop.Token);
        await UntilAsync(() => publisher.Published == 2, "two published");
        await stop.CancelAsync();
        await run;

        Assert.Equal(3, topic.Calls);
        Assert.Equal(4, publisher.Retried); // two events, two failed attempts
        Assert.Equal([Entered(1).Id, Entered(2).Id], topic.Sent.Select(m => m.MessageId));
        Assert.Equal(0, publisher.Failed);
    }

    [Fact]
    public async Task Run_SendAlwaysFails_GivesUpAfterMaxAttemptsCountsFailedAndGoesOn()
    {
        var failing = true;
        var topic = new FakeTopic((_, _) => Volatile.Read(ref failing)
            ? throw new ServiceBusException("unauthorized", ServiceBusFailureReason.GeneralError)
            : Task.CompletedTask);
        var publisher = Publisher(topic, Options(attempts: 3));
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token);

        publisher.Publish(Entered(1));
        await UntilAsync(() => publisher.Failed == 1, "the event given up");
        Volatile.Write(ref failing, false);
        publisher.Publish(Entered(2));
        await UntilAsync(() => publisher.Published == 1, "the next event published");
        await stop.CancelAsync();
        await run;

        Assert.Equal(2, publisher.Retried);
        Assert.Equal([Entered(2).Id], topic.Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Publish_SenderHangs_ReturnsAtOnceAndCountsWhatTheFullBufferDrops()
    {
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var topic = new FakeTopic(async (_, ct) =>
        {
            sending.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct); // the broker never answers
        });
        var options = Options(capacity: 10, maxBatch: 5);
        options.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
        var publisher = Publisher(topic, options);
        for (var i = 0; i < 5; i++)
        {
            publisher.Publish(Entered(i));
        }

        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token);
        await sending.Task.WaitAsync(Wait); // five taken into a batch that hangs

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 5; i < 1005; i++)
        {
            publisher.Publish(Entered(i));
        }

        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"1,000 publishes took {clock.Elapsed}");
        Assert.Equal(990, publisher.Dropped);
        Assert.Equal(10, publisher.Buffered);
        Assert.Equal(0, publisher.Published);

        await stop.CancelAsync();
        await run.WaitAsync(Wait); // the shutdown flush gives up at its timeout (the sender still hangs): no hang here either
    }

    [Fact]
    public async Task Run_Stopping_SendsWhatIsBufferedBeforeReturning()
    {
        var topic = new FakeTopic();
        var publisher = Publisher(topic, Options(maxBatch: 7));
        for (var i = 0; i < 20; i++)
        {
            publisher.Publish(Entered(i));
        }

        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();

        await publisher.RunAsync(stopped.Token).WaitAsync(Wait);

        Assert.Equal(20, publisher.Published);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => Entered(i).Id), topic.Sent.Select(m => m.MessageId));
        Assert.True(topic.Calls >= 3, $"expected batches of at most 7, saw {topic.Calls} sends");
    }

    [Fact]
    public async Task Run_BatchFull_SplitsIntoSeveralBatches()
    {
        // Batches of at most about two events' bytes: ten events need at least five sends, all delivered in order.
        var oneEvent = IntegrationEventMessage.From(Entered(0)).Body.ToMemory().Length + 100;
        var topic = new FakeTopic(batchBytes: oneEvent * 2 + 10);
        var publisher = Publisher(topic, Options());
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token);

        for (var i = 0; i < 10; i++)
        {
            publisher.Publish(Entered(i));
        }

        await UntilAsync(() => publisher.Published == 10, "ten published");
        await stop.CancelAsync();
        await run;

        Assert.True(topic.Calls >= 5, $"saw {topic.Calls} sends");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => Entered(i).Id), topic.Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Worker_HostRunsAndStops_SendsWhatWasPublished()
    {
        var topic = new FakeTopic();
        var publisher = Publisher(topic, Options());
        using var worker = new ServiceBusIntegrationEventsWorker(publisher);

        await worker.StartAsync(CancellationToken.None);
        publisher.Publish(Entered(1));
        await UntilAsync(() => publisher.Published == 1, "one published");
        publisher.Publish(Entered(2));
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal([Entered(1).Id, Entered(2).Id], topic.Sent.Select(m => m.MessageId));
    }
}
