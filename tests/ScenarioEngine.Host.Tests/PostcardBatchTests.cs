using ScenarioEngine.Channels;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Simulation;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Host.Tests;

public sealed class PostcardBatchTests
{
    private static OutboundMessage Card(string customer, string key)
    {
        var profile = new CustomerProfile(customer);
        profile.Attributes["name"] = Value.From("高橋 舞");
        profile.Attributes["postalCode"] = Value.From("420-0853");
        profile.Attributes["addressLine1"] = Value.From("追手町1-2-3");
        return new OutboundMessage(customer, "postcard", "vip-card", key, "j", "vip",
            new Dictionary<string, string> { ["fields.greeting"] = "Dear " + customer }, profile);
    }

    [Fact]
    public async Task ExportAsync_ThenAnotherCard_BatchExportedOnceAndLateCardGoesToTheNextDay()
    {
        var store = new InMemoryRowStore();
        await store.CreateTableAsync("postcards");
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 5, 3, 0, 0, TimeSpan.Zero));
        var channel = new PostcardBatchChannel(store, "postcards", TimeZoneInfo.Utc, clock);
        var day = new DateOnly(2026, 1, 5);
        await channel.SendAsync(Card("c1", "k1"));

        var first = await channel.ExportAsync(day);
        clock.Advance(TimeSpan.FromHours(1));
        var late = await channel.SendAsync(Card("c2", "k2"));
        var second = await channel.ExportAsync(day);

        Assert.True(first.FirstExport);
        Assert.Single(first.Rows);
        Assert.False(second.FirstExport);
        Assert.Equal(first.ExportedAt, second.ExportedAt);
        Assert.Single(second.Rows);
        Assert.Equal(new Delivered("postcard batch 2026-01-06"), late);
        Assert.Equal("Dear c2", (await channel.ReadBatchAsync(day.AddDays(1))).Single().Fields["greeting"]);
    }

    [Fact]
    public async Task SendAsync_FieldNamedLikeAnAddressColumn_RejectedAndNotStored()
    {
        var store = new InMemoryRowStore();
        await store.CreateTableAsync("postcards");
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 5, 3, 0, 0, TimeSpan.Zero));
        var channel = new PostcardBatchChannel(store, "postcards", TimeZoneInfo.Utc, clock);
        var card = Card("c1", "k1");
        var bad = card with { Content = new Dictionary<string, string> { ["fields.name"] = "x" } };

        var result = await channel.SendAsync(bad);

        var rejected = Assert.IsType<Rejected>(result);
        Assert.Contains("'name' is the name of an address column", rejected.Reason, StringComparison.Ordinal);
        Assert.Empty(await channel.ReadBatchAsync(new DateOnly(2026, 1, 5)));
    }
}
