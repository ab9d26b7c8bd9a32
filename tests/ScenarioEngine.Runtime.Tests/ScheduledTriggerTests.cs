using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using static ScenarioEngine.Runtime.Tests.EngineHarness;

namespace ScenarioEngine.Runtime.Tests;

public sealed class ScheduledTriggerTests
{
    private static readonly MessageDocument Card = Message("birthday");

    private static readonly Journey Birthday = Journey("""
        {
          "id": "birthday", "name": "Birthday",
          "trigger": { "date": { "attr": "profile.birthday", "offsetDays": -3, "at": "10:00", "yearly": true } },
          "reentry": { "mode": "afterExit" },
          "start": "send",
          "steps": {
            "send": { "type": "send", "medium": "email", "message": "birthday", "next": "done" },
            "done": { "type": "exit" }
          }
        }
        """, Card);

    // Born on 10 May: the journey fires on 7 May at 10:00 Tokyo time, 01:00Z.
    private static readonly DateTimeOffset Due = new(2026, 5, 7, 1, 0, 0, TimeSpan.Zero);

    private static async Task<EngineHarness> StartAsync()
    {
        var h = new EngineHarness([Birthday], [Card], start: Due.AddDays(-10));
        await h.InitializeAsync();
        await h.IngestAsync(
            Identify("tokyo", h.Clock.GetUtcNow(), zone: "Asia/Tokyo", more: ("birthday", Value.From("1990-05-10"))),
            Identify("london", h.Clock.GetUtcNow(), zone: "Europe/London", more: ("birthday", Value.From("1990-05-10"))),
            Identify("no-birthday", h.Clock.GetUtcNow(), zone: "Asia/Tokyo"));
        await h.DrainAsync();
        return h;
    }

    [Fact]
    public async Task FireScheduledTriggers_WindowCoversTokyoBirthdayMinusThreeAt10_EntersThatCustomerOnce()
    {
        var h = await StartAsync();
        h.Clock.MoveTo(Due.AddMinutes(30));

        var fired = await h.Engine.FireScheduledTriggersAsync(Due.AddHours(-1), Due);
        await h.DrainAsync();

        Assert.Equal(1, fired);
        var sent = Assert.Single(h.Recording(Medium.Email).Sent);
        Assert.Equal("tokyo", sent.CustomerId);
        Assert.Equal("birthday", sent.MessageId);
        Assert.Equal(1, (await h.Engine.GetStatsAsync("birthday")).Entered);
    }

    [Fact]
    public async Task FireScheduledTriggers_SameOrOverlappingWindowAgain_EntersNobodyTwice()
    {
        var h = await StartAsync();
        h.Clock.MoveTo(Due.AddHours(2));

        await h.Engine.FireScheduledTriggersAsync(Due.AddHours(-1), Due);
        await h.DrainAsync();
        await h.Engine.FireScheduledTriggersAsync(Due.AddHours(-1), Due);
        await h.DrainAsync();
        await h.Engine.FireScheduledTriggersAsync(Due.AddMinutes(-30), Due.AddMinutes(30));
        await h.DrainAsync();

        Assert.Single(h.Recording(Medium.Email).Sent);
        Assert.Equal(1, (await h.Engine.GetStatsAsync("birthday")).Entered);
        Assert.Equal(2, h.Engine.Metrics.Duplicates);
    }

    [Fact]
    public async Task FireScheduledTriggers_WindowEndsJustBeforeTheInstant_FiresNothing()
    {
        var h = await StartAsync();
        h.Clock.MoveTo(Due);

        Assert.Equal(0, await h.Engine.FireScheduledTriggersAsync(Due.AddHours(-1), Due.AddTicks(-1)));
        Assert.Equal(0, await h.Engine.FireScheduledTriggersAsync(Due, Due.AddHours(1)));
        await h.DrainAsync();

        Assert.Empty(h.AllRecorded);
    }

    [Fact]
    public async Task FireScheduledTriggers_LondonCustomer_FiresAt10London()
    {
        var h = await StartAsync();
        var london = new DateTimeOffset(2026, 5, 7, 9, 0, 0, TimeSpan.Zero); // 10:00 BST
        h.Clock.MoveTo(london);

        Assert.Equal(1, await h.Engine.FireScheduledTriggersAsync(Due, london));
        await h.DrainAsync();

        Assert.Equal("london", Assert.Single(h.Recording(Medium.Email).Sent).CustomerId);
    }
}
