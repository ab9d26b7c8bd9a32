using System.Text;
using ScenarioEngine.Runtime.Simulation;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Storage.Azure.Tests.Contract;

/// <summary>The queue port's contract: every provider (in-memory, Azure Storage queues) must pass these same tests.</summary>
public abstract class QueueContract : IDisposable
{
    /// <summary>The delay used for delayed sends.</summary>
    protected static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    /// <summary>The shortest visibility timeout the service accepts.</summary>
    protected static readonly TimeSpan Visibility = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    protected CancellationToken Token => _timeout.Token;

    /// <summary>Makes a new, empty, created queue.</summary>
    protected abstract Task<IQueue> NewQueueAsync();

    /// <summary>Lets <paramref name="time"/> pass (virtual time moves exactly; real time waits a little longer, for clock granularity).</summary>
    protected abstract Task PassAsync(TimeSpan time);

    public void Dispose()
    {
        _timeout.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task SendReceiveDelete_RoundTripsTheTextOnce()
    {
        var queue = await NewQueueAsync();
        const string text = """{"events":[{"id":"p1","type":"purchase","customer":"c-ñ","note":"<a href='x'>&amp;</a> 🎁"}]}""";

        await queue.SendAsync(text, null, Token);
        var received = Assert.Single(await queue.ReceiveAsync(32, Long, Token));
        await queue.DeleteAsync(received, Token);

        Assert.Equal(text, received.Text);
        Assert.Equal(1, received.DequeueCount);
        Assert.False(string.IsNullOrEmpty(received.Id));
        Assert.False(string.IsNullOrEmpty(received.PopReceipt));
        Assert.Equal(0, await queue.CountAsync(Token));
        Assert.Empty(await queue.ReceiveAsync(32, Long, Token));
    }

    [Fact]
    public async Task Send_FortyThousandByteText_RoundTrips()
    {
        var queue = await NewQueueAsync();
        var text = string.Concat(Enumerable.Range(0, 4000).Select(i => $"{i:D9},"));
        Assert.Equal(40_000, Encoding.UTF8.GetByteCount(text));

        await queue.SendAsync(text, null, Token);

        Assert.Equal(text, Assert.Single(await queue.ReceiveAsync(1, Long, Token)).Text);
    }

    [Fact]
    public async Task Send_LargestMessage_RoundTrips_OneByteMoreThrows()
    {
        var queue = await NewQueueAsync();
        var largest = new string('m', 48 * 1024); // 64 KiB once base64-encoded

        await queue.SendAsync(largest, null, Token);
        await Assert.ThrowsAsync<ArgumentException>(() => queue.SendAsync(largest + "m", null, Token));

        Assert.Equal(largest, Assert.Single(await queue.ReceiveAsync(32, Long, Token)).Text);
        Assert.Equal(1, await queue.CountAsync(Token));
    }

    [Fact]
    public async Task Send_WithDelay_HiddenUntilDue()
    {
        var queue = await NewQueueAsync();

        await queue.SendAsync("later", Delay, Token);
        await queue.SendAsync("now", TimeSpan.Zero, Token);
        var first = await queue.ReceiveAsync(32, Long, Token);
        var countWhileHidden = await queue.CountAsync(Token);
        await PassAsync(Delay);
        var second = await queue.ReceiveAsync(32, Long, Token);

        Assert.Equal(["now"], first.Select(m => m.Text));
        Assert.Equal(2, countWhileHidden);
        Assert.Equal(["later"], second.Select(m => m.Text));
        Assert.Equal(1, second[0].DequeueCount);
    }

    [Fact]
    public async Task Send_WithPastOrZeroDelay_IsVisibleAtOnce()
    {
        var queue = await NewQueueAsync();

        await queue.SendAsync("zero", TimeSpan.Zero, Token);
        await queue.SendAsync("past", TimeSpan.FromSeconds(-5), Token);

        Assert.Equal(["past", "zero"], (await queue.ReceiveAsync(32, Long, Token)).Select(m => m.Text).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Send_DelayBeyondSevenDays_Throws()
    {
        var queue = await NewQueueAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.SendAsync("x", TimeSpan.FromDays(7.5), Token));
        Assert.Equal(0, await queue.CountAsync(Token));
    }

    [Fact]
    public async Task Received_NotDeleted_ReappearsAfterVisibilityTimeoutWithDequeueCountTwo()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("work", null, Token);

        var first = Assert.Single(await queue.ReceiveAsync(1, Visibility, Token));
        var whileHidden = await queue.ReceiveAsync(32, Long, Token);
        await PassAsync(Visibility);
        var again = Assert.Single(await queue.ReceiveAsync(32, Long, Token));

        Assert.Empty(whileHidden);
        Assert.Equal(1, first.DequeueCount);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal("work", again.Text);
        Assert.Equal(2, again.DequeueCount);
        Assert.NotEqual(first.PopReceipt, again.PopReceipt);
    }

    [Fact]
    public async Task Delete_AlreadyDeleted_DoesNotThrow()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("once", null, Token);
        var item = Assert.Single(await queue.ReceiveAsync(1, Long, Token));
        await queue.DeleteAsync(item, Token);

        await queue.DeleteAsync(item, Token);

        Assert.Equal(0, await queue.CountAsync(Token));
    }

    [Fact]
    public async Task Delete_WithStalePopReceipt_DoesNotThrowAndKeepsTheMessage()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("contended", null, Token);
        var stale = Assert.Single(await queue.ReceiveAsync(1, Visibility, Token));
        await PassAsync(Visibility);
        var current = Assert.Single(await queue.ReceiveAsync(1, Long, Token));

        await queue.DeleteAsync(stale, Token);
        var countAfterStaleDelete = await queue.CountAsync(Token);
        await queue.DeleteAsync(current, Token);

        Assert.Equal(1, countAfterStaleDelete);
        Assert.Equal(0, await queue.CountAsync(Token));
    }

    [Fact]
    public async Task Count_IncludesHiddenMessagesAndDropsDeletedOnes()
    {
        var queue = await NewQueueAsync();
        Assert.Equal(0, await queue.CountAsync(Token));
        for (var i = 0; i < 3; i++)
        {
            await queue.SendAsync("m" + i, null, Token);
        }

        var item = Assert.Single(await queue.ReceiveAsync(1, Long, Token));
        var withOneHidden = await queue.CountAsync(Token);
        await queue.DeleteAsync(item, Token);

        Assert.Equal(3, withOneHidden);
        Assert.Equal(2, await queue.CountAsync(Token));
    }

    [Fact]
    public async Task Receive_ReturnsAtMostMax()
    {
        var queue = await NewQueueAsync();
        for (var i = 0; i < 5; i++)
        {
            await queue.SendAsync("m" + i, null, Token);
        }

        var three = await queue.ReceiveAsync(3, Long, Token);
        var rest = await queue.ReceiveAsync(32, Long, Token);

        Assert.Equal(3, three.Count);
        Assert.Equal(2, rest.Count);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], three.Concat(rest).Select(m => m.Text).Order(StringComparer.Ordinal));
        Assert.Equal(5, three.Concat(rest).Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task Create_Twice_IsHarmless()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("kept", null, Token);

        await queue.CreateAsync(Token);

        Assert.Equal(1, await queue.CountAsync(Token));
    }
}

/// <summary>The queue contract on the in-memory provider, in virtual time.</summary>
public sealed class InMemoryQueueContractTests : QueueContract
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryQueueFactory _queues;

    public InMemoryQueueContractTests() => _queues = new InMemoryQueueFactory(_clock);

    protected override async Task<IQueue> NewQueueAsync()
    {
        var queue = _queues.Get(AzuriteFixture.NewQueueName("se")[..20]);
        await queue.CreateAsync(Token);
        return queue;
    }

    protected override Task PassAsync(TimeSpan time)
    {
        _clock.Advance(time);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Churn_ManyReceivedReHiddenAndDeleted_OrderCountsAndHiddenMessagesHold()
    {
        // The in-memory queue leaves stale heap slots behind on every receive and delete and rebuilds when they pile up: thousands of
        // them must not lose, repeat or reorder a message, nor wake a hidden one early.
        var queue = await NewQueueAsync();
        await queue.SendAsync("hidden", TimeSpan.FromDays(6), Token);
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 1000; i++)
            {
                await queue.SendAsync($"r{round}-{i:D4}", null, Token);
            }

            var seen = new List<string>();
            for (var pass = 0; pass < 3; pass++)
            {
                // Received but not deleted: hidden for a minute, then back in arrival order with a higher dequeue count.
                var items = new List<QueueItem>();
                while ((await queue.ReceiveAsync(32, TimeSpan.FromMinutes(1), Token)) is { Count: > 0 } batch)
                {
                    items.AddRange(batch);
                }

                Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"r{round}-{i:D4}"), items.Select(m => m.Text));
                Assert.All(items, m => Assert.Equal(pass + 1, m.DequeueCount));
                if (pass == 2)
                {
                    foreach (var item in items)
                    {
                        await queue.DeleteAsync(item, Token);
                    }
                }

                await PassAsync(TimeSpan.FromMinutes(2));
            }

            Assert.Equal(1, await queue.CountAsync(Token));
            Assert.Empty(await queue.ReceiveAsync(32, TimeSpan.FromMinutes(1), Token));
        }

        await PassAsync(TimeSpan.FromDays(6));
        Assert.Equal(["hidden"], (await queue.ReceiveAsync(32, TimeSpan.FromMinutes(1), Token)).Select(m => m.Text));
    }
}

/// <summary>The queue contract on Azure Storage queues (Azurite), in real time.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteQueueContractTests(AzuriteFixture azurite) : QueueContract
{
    private readonly AzureQueueFactory _queues = StorageClients.FromConnectionString(azurite.ConnectionString).CreateQueueFactory();

    protected override async Task<IQueue> NewQueueAsync()
    {
        var queue = _queues.Get(AzuriteFixture.NewQueueName("se")[..20]);
        await queue.CreateAsync(Token);
        return queue;
    }

    // The service counts visibility in whole seconds: wait a second more than asked.
    protected override Task PassAsync(TimeSpan time) => Task.Delay(time + TimeSpan.FromSeconds(1), Token);
}
