using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;
using ScenarioEngine.Journeys.Storage;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Storage.Azure;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Journeys.Tests.Storage;

/// <summary>The Table-backed send-gate rows' contract: run against the in-memory row store and Azure Table Storage (Azurite).</summary>
public abstract class SendGateStateContract
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private readonly JourneyTableOptions _options = new() { SendingTable = AzuriteFixture.NewTableName("sending") };

    /// <summary>The store under test.</summary>
    protected abstract IRowStore Store { get; }

    private async Task<TableSendGateState> StateAsync()
    {
        await Store.CreateTableAsync(_options.SendingTable);
        return new TableSendGateState(Store, _options);
    }

    [Fact]
    public async Task TryWrite_RateCursorAtTheVersionRead_IsReadBackAndAStaleVersionFails()
    {
        ISendRates rates = await StateAsync();
        var none = await rates.ReadAsync("email", 0);

        var inserted = await rates.TryWriteAsync("email", 0, new RateCursor(Noon, 1), none.ETag);
        var insertedAgain = await rates.TryWriteAsync("email", 0, new RateCursor(Noon, 9), none.ETag);
        var read = await rates.ReadAsync("email", 0);
        var replaced = await rates.TryWriteAsync("email", 0, new RateCursor(Noon, 2), read.ETag);
        var stale = await rates.TryWriteAsync("email", 0, new RateCursor(Noon, 7), read.ETag);

        Assert.Null(none.Value);
        Assert.Equal("", none.ETag);
        Assert.True(inserted);
        Assert.False(insertedAgain);
        Assert.Equal(new RateCursor(Noon, 1), read.Value);
        Assert.True(replaced);
        Assert.False(stale);
        Assert.Equal(new RateCursor(Noon, 2), (await rates.ReadAsync("email", 0)).Value);
        Assert.Null((await rates.ReadAsync("email", 1)).Value);
        Assert.Null((await rates.ReadAsync("line", 0)).Value);
    }

    [Fact]
    public async Task TryWrite_CircuitAtTheVersionRead_IsReadBackAndListedByMedium()
    {
        IChannelCircuits circuits = await StateAsync();
        var open = new ChannelCircuit(CircuitState.Open, 5, Noon, Noon.AddSeconds(3), Noon.AddMinutes(1), 0, "Outage: HTTP 503");

        Assert.True(await circuits.TryWriteAsync("email", open, (await circuits.ReadAsync("email")).ETag));
        Assert.True(await circuits.TryWriteAsync("line", ChannelCircuit.Healthy, (await circuits.ReadAsync("line")).ETag));
        var read = await circuits.ReadAsync("email");
        Assert.True(await circuits.TryWriteAsync("email", CircuitBreaker.Succeeded(CircuitBreaker.StartTrial(open, Noon.AddMinutes(1), new CircuitBreakerOptions())), read.ETag));
        Assert.False(await circuits.TryWriteAsync("email", open, read.ETag));

        Assert.Equal(open, read.Value);
        var all = await circuits.ReadAllAsync();
        Assert.Equal(["email", "line"], all.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(CircuitState.Closed, all["email"].State);
        Assert.Equal("Outage: HTTP 503", all["email"].LastFailure);
        Assert.Equal(ChannelCircuit.Healthy, all["line"]);
    }

    [Fact]
    public async Task Read_MediumWithASlash_ThrowsNamingTheField()
    {
        ISendRates rates = await StateAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => rates.ReadAsync("e/mail", 0));

        Assert.Equal("medium", error.ParamName);
    }

    [Fact]
    public async Task AdmitAsync_ConcurrentSendsFromSeveralGates_NeverPutMoreThanTheRateIntoAWindow()
    {
        var state = await StateAsync();
        var options = new SendingOptions { Rate = { ["email"] = 4 } };
        var clock = new ManualClock(Noon.AddSeconds(5));
        var gates = Enumerable.Range(0, 3).Select(_ => new SendGate(state, state, options, clock, NullLogger<SendGate>.Instance)).ToList();

        var admissions = await Task.WhenAll(Enumerable.Range(0, 18).Select(i =>
            Task.Run(() => gates[i % gates.Count].AdmitAsync(new SendCommand("c" + i, "i" + i, "j1", 1, "a", "email", "m1", false, "k" + i, 1)))));

        var byWindow = admissions.GroupBy(a => a.Deferral?.ReservedWindow ?? Noon).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, admissions.Count(a => a.Deferral is null));
        Assert.Equal([4, 4, 4, 4, 2], Enumerable.Range(0, 5).Select(m => byWindow.GetValueOrDefault(Noon.AddMinutes(m))));
        Assert.Equal(new RateCursor(Noon.AddMinutes(4), 2), (await state.ReadAsync("email", 0)).Value);
    }

    [Fact]
    public async Task AdmitAsync_RateSplitOverShards_NeverPutsMoreThanTheRateIntoAWindow()
    {
        var state = await StateAsync();
        var options = new SendingOptions { Rate = { ["email"] = 7 }, RateShards = 3 };
        var gate = new SendGate(state, state, options, new ManualClock(Noon.AddSeconds(5)), NullLogger<SendGate>.Instance);

        var admissions = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => gate.AdmitAsync(new SendCommand("c" + i, "i" + i, "j1", 1, "a", "email", "m1", false, "k" + i, 1)))));

        var byWindow = admissions.GroupBy(a => a.Deferral?.ReservedWindow ?? Noon).Select(g => g.Count()).ToList();
        Assert.All(byWindow, count => Assert.InRange(count, 1, 7));
        Assert.Equal(40, byWindow.Sum());
        var shards = await Task.WhenAll(Enumerable.Range(0, 3).Select(s => state.ReadAsync("email", s)));
        Assert.All(shards.Select((s, i) => (s.Value, i)).Where(s => s.Value is not null), s => Assert.InRange(s.Value!.Taken, 1, SendingOptions.ShareOf(7, 3, s.i)));
    }
}

/// <summary>The send-gate rows' contract on the in-memory row store.</summary>
public sealed class InMemorySendGateStateTests : SendGateStateContract
{
    protected override IRowStore Store { get; } = new InMemoryRowStore();
}

/// <summary>The send-gate rows' contract on Azure Table Storage (Azurite), and what racing sends reserve per second there.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteSendGateStateTests(AzuriteFixture azurite, ITestOutputHelper output) : SendGateStateContract
{
    protected override IRowStore Store { get; } = StorageClients.FromConnectionString(azurite.ConnectionString).CreateRowStore();

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 1)]
    [InlineData(1, 4)]
    [InlineData(4, 4)]
    public async Task AdmitAsync_SixteenSendersRacing_HoldTheRateAndReportReservationsPerSecond(int hosts, int shards)
    {
        var options = new JourneyTableOptions { SendingTable = AzuriteFixture.NewTableName("rates") };
        await Store.CreateTableAsync(options.SendingTable);
        var state = new TableSendGateState(Store, options);
        var sending = new SendingOptions { Rate = { ["email"] = 100 }, RateShards = shards };
        var time = new ManualClock(new DateTimeOffset(2026, 12, 2, 12, 0, 5, TimeSpan.Zero));
        var gates = Enumerable.Range(0, hosts).Select(_ => new SendGate(state, state, sending, time, NullLogger<SendGate>.Instance)).ToList();
        const int senders = 16, each = 25;
        await new SendGate(state, state, new SendingOptions { Rate = { ["line"] = 100 } }, time, NullLogger<SendGate>.Instance)
            .AdmitAsync(new SendCommand("c", "i", "j1", 1, "a", "line", "m1", false, "warm-up", 1));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var admissions = (await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(async () =>
        {
            var mine = new List<SendAdmission>(each);
            for (var i = 0; i < each; i++)
            {
                mine.Add(await gates[s % hosts].AdmitAsync(new SendCommand("c", "i", "j1", 1, "a", "email", "m1", false, $"k{s}-{i}", 1)));
            }

            return mine;
        })))).SelectMany(a => a).ToList();

        var elapsed = clock.Elapsed;
        var byWindow = admissions.GroupBy(a => a.Deferral?.ReservedWindow ?? SendRate.WindowOf(time.GetUtcNow(), sending.RateWindow)).Select(g => g.Count()).ToList();
        Assert.All(byWindow, count => Assert.InRange(count, 1, 100));
        Assert.True(byWindow.Count >= 4, $"400 places at 100 per window need 4 windows or more, got {byWindow.Count}");
        output.WriteLine($"{hosts} gate(s), {shards} shard(s): {senders * each} reservations by {senders} racing senders in {elapsed.TotalSeconds:F2} s = {senders * each / elapsed.TotalSeconds:F0} per second");
    }
}
