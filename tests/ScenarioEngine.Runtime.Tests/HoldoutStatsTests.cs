using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using static ScenarioEngine.Runtime.Tests.EngineHarness;

namespace ScenarioEngine.Runtime.Tests;

public sealed class HoldoutStatsTests
{
    private static readonly MessageDocument Offer = Message("offer");

    private static readonly Journey Campaign = Journey("""
        {
          "id": "campaign", "name": "Campaign",
          "trigger": { "event": "purchase" },
          "goal": { "event": "purchase", "within": "P21D" },
          "holdoutPercent": 50,
          "start": "send",
          "steps": {
            "send": { "type": "send", "medium": "email", "message": "offer", "next": "done" },
            "done": { "type": "exit" }
          }
        }
        """, Offer);

    [Fact]
    public async Task Stats_HalfHeldOutOfAThousand_HoldoutReceivesNothingAndLiftIsMeasured()
    {
        const int customers = 1000;
        var h = new EngineHarness([Campaign], [Offer]);
        await h.InitializeAsync();
        string Id(int i) => $"c{i:D4}";
        await h.IngestAsync(Enumerable.Range(0, customers).Select(i => Identify(Id(i), T0)).ToArray());
        await h.IngestAsync(Enumerable.Range(0, customers).Select(i => Purchase($"p1-{i}", Id(i), T0.AddMinutes(1))).ToArray());
        await h.RunUntilAsync(T0.AddDays(2));

        // A second purchase within the goal window converts: every third treatment customer, every fifth holdout customer.
        var heldOut = Enumerable.Range(0, customers).Where(i => JourneyMachine.IsHoldout(Campaign, Id(i))).ToHashSet();
        var converters = Enumerable.Range(0, customers).Where(i => heldOut.Contains(i) ? i % 5 == 0 : i % 3 == 0).ToList();
        h.Clock.MoveTo(T0.AddDays(5));
        await h.IngestAsync(converters.Select(i => Purchase($"p2-{i}", Id(i), T0.AddDays(5))).ToArray());
        await h.RunUntilAsync(T0.AddDays(30));

        var stats = await h.Engine.GetStatsAsync("campaign");
        Assert.Equal(customers, stats.Entered);
        Assert.Equal(heldOut.Count, stats.Holdout);
        Assert.InRange(stats.Holdout, 450, 550);

        var sent = h.Recording(Medium.Email).Sent;
        Assert.Equal(customers - heldOut.Count, sent.Count);
        Assert.DoesNotContain(sent, m => heldOut.Contains(int.Parse(m.CustomerId[1..], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(heldOut.Count, stats.Counts["send.heldOut"]);
        Assert.Equal(customers - heldOut.Count, stats.Counts["send.sent"]);

        var treatedConverted = converters.Count(i => !heldOut.Contains(i));
        var heldOutConverted = converters.Count(heldOut.Contains);
        Assert.Equal(treatedConverted, stats.Converted);
        Assert.Equal(heldOutConverted, stats.HoldoutConverted);
        Assert.Equal(converters.Count, stats.Counts["(goal).converted"]);
        var lift = (double)treatedConverted / (customers - heldOut.Count) - (double)heldOutConverted / heldOut.Count;
        Assert.NotNull(stats.Lift);
        Assert.Equal(lift, stats.Lift!.Value, 12);
        Assert.InRange(stats.Lift.Value, 0.10, 0.16); // about 1/3 - 1/5
    }

    [Fact]
    public async Task Stats_PurchaseAfterGoalWindow_NotCounted()
    {
        var h = new EngineHarness([Campaign], [Offer]);
        await h.InitializeAsync();
        await h.IngestAsync(Identify("c1", T0), Purchase("p1", "c1", T0));
        await h.RunUntilAsync(T0.AddDays(22));
        await h.IngestAsync(Purchase("p2", "c1", T0.AddDays(22)));
        await h.DrainAsync();

        var stats = await h.Engine.GetStatsAsync("campaign");
        Assert.Equal(0, stats.Converted + stats.HoldoutConverted);
    }
}
