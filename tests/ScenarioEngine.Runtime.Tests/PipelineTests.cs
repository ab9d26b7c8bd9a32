using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Journeys.Sending;
using ScenarioEngine.Journeys.Storage.Simulation;
using ScenarioEngine.Runtime.Simulation;

namespace ScenarioEngine.Runtime.Tests;

public sealed class PipelineTests
{
    private const string Journey = """
    {
      "id": "cross-sell", "name": "Cross-sell",
      "trigger": { "event": "purchase", "where": { "attr": "event.amount", "gte": 5000 } },
      "goal": { "event": "purchase", "within": "P21D" },
      "start": "thanks",
      "steps": {
        "thanks": { "type": "send", "medium": "email", "message": "thank-you", "next": "wait" },
        "wait": { "type": "wait", "for": "P3D", "next": "again" },
        "again": { "type": "waitForEvent", "event": "purchase", "timeout": "P7D", "onEvent": "done", "onTimeout": "nudge" },
        "nudge": { "type": "send", "medium": "email", "message": "thank-you", "next": "done" },
        "done": { "type": "exit" }
      }
    }
    """;

    private const string Message = """{ "id": "thank-you", "email": { "subject": "Thanks {{profile.firstName}}", "text": "Thank you" } }""";

    internal static (Journey Journey, MessageDocument Message) Load()
    {
        var message = MessageParser.Parse(Message).Value!;
        var journey = JourneyParser.Parse(Journey, new Dictionary<string, MessageDocument> { ["thank-you"] = message });
        Assert.True(journey.IsValid, string.Join("; ", journey.Errors));
        return (journey.Value!, message);
    }

    internal static CustomerEvent Event(string id, string type, string customer, DateTimeOffset at, params (string Key, Value Value)[] props) =>
        new(id, type, customer, at, props.ToDictionary(p => p.Key, p => p.Value));

    [Fact]
    public async Task Simulate_PurchaseThenSilence_SendsThankYouAndNudgeTenDaysLater()
    {
        var (journey, message) = Load();
        var start = new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero);
        var sim = new Simulator([journey], [message], start: start);
        var events = new[]
        {
            Event("i1", "identify", "c1", start, ("consent.email", Value.From(true)), ("email", Value.From("a@example.com"))),
            Event("p1", "purchase", "c1", start.AddMinutes(1), ("amount", Value.From(6000))),
        };

        var report = await sim.RunAsync(events, TimeSpan.FromDays(30));

        Assert.Equal(2, report.Sends.Count);
        Assert.Equal(start.AddMinutes(1), report.Sends[0].At);
        Assert.Equal(start.AddMinutes(1).AddDays(10), report.Sends[1].At);
        Assert.Equal(1, report.Stats["cross-sell"].Counts["nudge.sent"]);
    }

    [Fact]
    public async Task Simulate_EmailRateOnePerHour_SpreadsTheThankYousOverHourWindowsInVirtualTime()
    {
        var (journey, message) = Load();
        var start = new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero);
        var sending = new SendingOptions { RateWindow = TimeSpan.FromHours(1), Rate = { ["email"] = 1 } };
        var sim = new Simulator([journey], [message], start: start, sending: sending);
        var customers = new[] { "c1", "c2", "c3" };
        var events = customers.SelectMany(c => new[]
        {
            Event("i-" + c, "identify", c, start, ("consent.email", Value.From(true)), ("email", Value.From(c + "@example.com"))),
            Event("p-" + c, "purchase", c, start.AddMinutes(1), ("amount", Value.From(6000))),
        });

        var report = await sim.RunAsync(events, TimeSpan.FromDays(1));

        var thanks = report.Sends.Where(s => s.StepId == "thanks").OrderBy(s => s.At).ToList();
        Assert.Equal([start.AddMinutes(1), start.AddHours(1), start.AddHours(2)], thanks.Select(s => s.At));
        Assert.Equal(customers, thanks.Select(s => s.CustomerId).Order(StringComparer.Ordinal));
        Assert.Equal(3, report.Stats["cross-sell"].Counts["thanks.sent"]);
        Assert.Equal(2, report.Stats["cross-sell"].Counts["thanks.deferred:rate"]);
    }

    [Fact]
    public async Task ShardedSimulation_EmailRateOnePerHour_RunsWholeSoTheRateHoldsAcrossCustomers()
    {
        var (journey, message) = Load();
        var start = new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero);
        var customers = Enumerable.Range(1, 6).Select(i => "c" + i).ToList();
        Assert.True(customers.Select(c => ShardedSimulation.ShardOf(c, 3)).Distinct().Count() > 1); // else sharding could not show
        var events = customers.SelectMany(c => new[]
        {
            Event("i-" + c, "identify", c, start, ("consent.email", Value.From(true))),
            Event("p-" + c, "purchase", c, start.AddMinutes(1), ("amount", Value.From(6000))),
        }).ToList();

        var report = await ShardedSimulation.RunAsync(
            () => new Simulator([journey], [message], start: start, sending: new SendingOptions { RateWindow = TimeSpan.FromHours(1), Rate = { ["email"] = 1 } }),
            events, TimeSpan.FromDays(1), shards: 3);

        // One message an hour over every customer, as one simulator gives: shards with a rate each would send several in the first hour.
        var thanks = report.Sends.Where(s => s.StepId == "thanks").ToList();
        Assert.Equal([start.AddMinutes(1), .. Enumerable.Range(1, 5).Select(h => start.AddHours(h))], thanks.Select(s => s.At));
        Assert.Equal(6, report.Stats["cross-sell"].Entered);
    }

    [Fact]
    public void CustomersInteract_RatesOrAnalyticsJob_TrueOtherwiseFalse()
    {
        var (journey, message) = Load();

        Assert.False(new Simulator([journey], [message]).CustomersInteract);
        Assert.False(new Simulator([journey], [message], sending: new SendingOptions { Rate = { ["email"] = 0 } }).CustomersInteract); // 0: no rate
        Assert.True(new Simulator([journey], [message], sending: new SendingOptions { Rate = { ["line"] = 10 } }).CustomersInteract);
        // The analytics job ranks customers against each other (RFM deciles), so no shard may score its customers alone.
        Assert.True(new Simulator([journey], [message]) { AnalyticsEvery = TimeSpan.FromDays(1) }.CustomersInteract);
    }

    [Fact]
    public async Task ShardedSimulation_IndependentCustomers_MergesSendsCountsAndTotalsOfEveryShard()
    {
        var (journey, message) = Load();
        var start = new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero);
        var customers = Enumerable.Range(1, 40).Select(i => "c" + i).ToList();
        var events = customers.SelectMany((c, i) => new[]
        {
            Event("i-" + c, "identify", c, start, ("consent.email", Value.From(true))),
            Event("p-" + c, "purchase", c, start.AddHours(i), ("amount", Value.From(6000))),
        }.Concat(i % 3 == 0 // every third customer buys again during the wait (converts, no nudge)
            ? [Event("q-" + c, "purchase", c, start.AddHours(i).AddDays(5), ("amount", Value.From(100)))]
            : [])).ToList();

        var whole = await new Simulator([journey], [message], start: start).RunAsync(events, TimeSpan.FromDays(30));
        var sharded = await ShardedSimulation.RunAsync(() => new Simulator([journey], [message], start: start), events, TimeSpan.FromDays(30), shards: 4);

        Assert.Equal(whole.Sends.OrderBy(s => s.At).ThenBy(s => s.CustomerId, StringComparer.Ordinal).Select(Key), sharded.Sends.Select(Key));
        var (w, s) = (whole.Stats["cross-sell"], sharded.Stats["cross-sell"]);
        Assert.Equal((w.Entered, w.Active, w.Converted, w.Holdout), (s.Entered, s.Active, s.Converted, s.Holdout));
        Assert.Equal(w.Counts, s.Counts);
        Assert.Equal((whole.Events, whole.Customers, whole.Metrics.EventsApplied, whole.Metrics.Started), (sharded.Events, sharded.Customers, sharded.Metrics.EventsApplied, sharded.Metrics.Started));
        Assert.Equal(40, s.Entered);
        Assert.Equal(14, s.Converted);

        static string Key(SimulatedSend x) => $"{x.At:O} {x.CustomerId} {x.StepId} {x.Medium} {x.MessageId}";
    }

    [Fact]
    public async Task Simulate_SecondPurchaseDuringWait_ConvertsAndSkipsNudge()
    {
        var (journey, message) = Load();
        var start = new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero);
        var sim = new Simulator([journey], [message], start: start);
        var events = new[]
        {
            Event("i1", "identify", "c1", start, ("consent.email", Value.From(true))),
            Event("p1", "purchase", "c1", start.AddMinutes(1), ("amount", Value.From(6000))),
            Event("p2", "purchase", "c1", start.AddDays(5), ("amount", Value.From(100))),
        };

        var report = await sim.RunAsync(events, TimeSpan.FromDays(30));

        Assert.Single(report.Sends);
        Assert.Equal(1, report.Stats["cross-sell"].Converted);
        Assert.Equal(2, report.Metrics.EventsApplied - 1);
    }

    [Fact]
    public async Task Ingest_SameEventTwice_AppliedOnce()
    {
        var (journey, message) = Load();
        var start = new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero);
        var sim = new Simulator([journey], [message], start: start);
        var p = Event("p1", "purchase", "c1", start, ("amount", Value.From(6000)));
        var identify = Event("i1", "identify", "c1", start, ("consent.email", Value.From(true)));

        var report = await sim.RunAsync([identify, p, p], TimeSpan.FromDays(1));

        Assert.Single(report.Sends);
        Assert.Equal(1, report.Metrics.Duplicates);
    }

    [Fact]
    public async Task Ingest_ManyLargeEvents_PackedUnderTheQueueLimitAndAllApplied()
    {
        // 200 events of about 1 KB each for one customer: more than one queue message can hold (64 KiB once base64-encoded),
        // so ingest must split them into several packs; the in-memory queue rejects an oversized message as Azure does.
        var h = new EngineHarness([], [], new EngineOptions { HandlerConcurrency = 1, EventQueueCount = 1 });
        await h.InitializeAsync();
        var note = new string('x', 1000);
        var events = Enumerable.Range(0, 200).Select(i => Event($"v{i}", "page.viewed", "c1", EngineHarness.T0, ("note", Value.From(note)))).ToArray();

        await h.IngestAsync(events);
        await h.DrainAsync();

        Assert.Equal(200, h.Engine.Metrics.EventsAccepted);
        Assert.Equal(200, h.Engine.Metrics.EventsApplied);
    }

    [Fact]
    public async Task ApplyNow_EventsOfTwoCustomers_AppliedAndJourneysRunWithoutTheEventsQueue()
    {
        var (journey, message) = Load();
        var h = new EngineHarness([journey], [message], new EngineOptions { HandlerConcurrency = 1, EventQueueCount = 1 });
        await h.InitializeAsync();
        var at = EngineHarness.T0;
        CustomerEvent[] events =
        [
            Event("i1", "identify", "c1", at, ("consent.email", Value.From(true))),
            Event("i2", "identify", "c2", at, ("consent.email", Value.From(true))),
            Event("p1", "purchase", "c1", at, ("amount", Value.From(6000))),
            Event("p2", "purchase", "c2", at, ("amount", Value.From(100))),
        ];

        await h.Engine.ApplyNowAsync(events);

        // Nothing was queued, yet every event is applied and c1's journey has already sent its thank-you (c2's purchase is too small).
        Assert.Equal(0, await h.Queues.Get(h.Options.EventQueue(0)).CountAsync());
        Assert.Equal((4, 4), (h.Engine.Metrics.EventsAccepted, h.Engine.Metrics.EventsApplied));
        Assert.Equal(["c1"], h.Recording("email").Sent.Select(m => m.CustomerId));
        Assert.NotNull(await h.Engine.GetCustomerAsync("c2"));
    }

    [Fact]
    public async Task Ingest_Packs_AtMostTheEventLimitOr40KB_EachTheSerializersEventsMessage()
    {
        var h = new EngineHarness([], [], new EngineOptions { HandlerConcurrency = 1, EventQueueCount = 1, MaxEventsPerMessage = 100 });
        await h.InitializeAsync();
        var at = new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.FromHours(9));
        var small = Enumerable.Range(0, 250).Select(i => Event($"s{i}", "page.viewed", $"c{i % 7}", at, ("path", Value.From($"/品/{i}\"q\"")))).ToList();
        var large = Enumerable.Range(0, 30).Select(i => Event($"l{i}", "page.viewed", "c1", at, ("note", Value.From(new string('あ', 1000))))).ToList();

        await h.IngestAsync([.. small]);
        await h.IngestAsync([.. large]);
        var texts = (await h.Queues.Get(h.Options.EventQueue(0)).ReceiveAsync(32, TimeSpan.FromMinutes(1))).Select(m => m.Text).ToList();

        // 250 small events: 100, 100, 50. 30 events of about 3 KB: as many as fit under 40,000 bytes each (12, 12, 6).
        var packs = texts.Select(t => Codec.Read<EventsMessage>(t).Events).ToList();
        Assert.Equal([100, 100, 50, 12, 12, 6], packs.Select(p => p.Count));
        Assert.Equal(small.Concat(large).Select(e => e.Id), packs.SelectMany(p => p).Select(e => e.Id));
        Assert.All(texts, t => Assert.True(System.Text.Encoding.UTF8.GetByteCount(t) < 40_020, $"{System.Text.Encoding.UTF8.GetByteCount(t)} bytes"));
        Assert.All(texts.Zip(packs), x => Assert.Equal(Codec.Write(new EventsMessage(x.Second)), x.First));
    }
}
