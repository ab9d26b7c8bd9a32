using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Storage.Simulation;
using ScenarioEngine.Runtime.Simulation;

namespace ScenarioEngine.Runtime.Tests;

public sealed class AnalyticsJobTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static (Journey, MessageDocument) SegmentJourney()
    {
        var message = MessageParser.Parse("""{ "id": "m", "email": { "subject": "s", "text": "t" } }""").Value!;
        var journey = JourneyParser.Parse("""
            { "id": "vip", "name": "VIP", "trigger": { "segment": "champions" }, "start": "send",
              "steps": { "send": { "type": "send", "medium": "email", "message": "m", "next": "done" }, "done": { "type": "exit" } } }
            """, new Dictionary<string, MessageDocument> { ["m"] = message });
        Assert.True(journey.IsValid, string.Join("; ", journey.Errors));
        return (journey.Value!, message);
    }

    private static List<CustomerEvent> Purchases()
    {
        // 50 customers: customer i buys i % 5 + 1 times, the heavy buyers most recently.
        var events = new List<CustomerEvent>();
        for (var i = 0; i < 50; i++)
        {
            events.Add(PipelineTests.Event($"id{i}", "identify", $"c{i}", Start, ("consent.email", Value.From(true))));
            for (var k = 0; k <= i % 5; k++)
            {
                events.Add(PipelineTests.Event($"p{i}-{k}", "purchase", $"c{i}", Start.AddDays(1 + k * 7 + i % 5), ("amount", Value.From(1000 * (1 + i % 5)))));
            }
        }

        return events;
    }

    [Fact]
    public async Task RecomputeAnalytics_Daily_SetsRfmOnEveryBuyerAndStartsSegmentJourney()
    {
        var (journey, message) = SegmentJourney();
        var sim = new Simulator([journey], [message], start: Start) { AnalyticsEvery = TimeSpan.FromDays(1) };

        var report = await sim.RunAsync(Purchases(), TimeSpan.FromDays(3));

        var segments = new Dictionary<string, int>();
        for (var i = 0; i < 50; i++)
        {
            var customer = await sim.Engine.GetCustomerAsync($"c{i}");
            var segment = customer!.Profile.Computed["rfm.segment"].AsString!;
            segments[segment] = segments.GetValueOrDefault(segment) + 1;
            Assert.True(customer.Profile.Computed.ContainsKey("clv.pAlive"));
        }

        Assert.True(segments.GetValueOrDefault("champions") > 0, string.Join(", ", segments));
        Assert.Equal(report.Stats["vip"].Entered, report.Sends.Count);
        Assert.True(report.Sends.Count >= segments["champions"]);
    }

    [Fact]
    public async Task RecomputeAnalytics_TwiceOnOneDay_SecondRunChangesNothing()
    {
        var (journey, message) = SegmentJourney();
        var sim = new Simulator([journey], [message], start: Start);
        await sim.RunAsync(Purchases(), TimeSpan.FromDays(1));
        var asOf = sim.Clock.GetUtcNow();

        var first = await sim.Engine.RecomputeAnalyticsAsync(asOf);
        while (await sim.Engine.PumpAllAsync() > 0)
        {
        }

        var second = await sim.Engine.RecomputeAnalyticsAsync(asOf);

        Assert.Equal(50, first.Customers);
        Assert.Equal(50, first.Updated);
        Assert.True(first.SegmentChanges > 0);
        Assert.Equal(0, second.Updated);
        Assert.Equal(0, second.SegmentChanges);
    }
}
