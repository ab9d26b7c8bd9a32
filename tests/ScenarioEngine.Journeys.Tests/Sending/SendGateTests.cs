using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys.Tests.Sending;

public sealed class SendGateTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeSendGateState _state = new();
    private readonly ManualClock _clock = new(Noon.AddSeconds(10));

    [Fact]
    public async Task AdmitAsync_NoRateAndAHealthyCircuit_PassesAndWritesNoRow()
    {
        var gate = Gate(Options());

        var admission = await gate.AdmitAsync(Command("k1"));
        await gate.ReportAsync(Command("k1"), admission, ChannelFault.None, "accepted");

        Assert.Null(admission.Deferral);
        Assert.Null(_state.Cursor("email"));
        Assert.Null(_state.Circuit("email"));
    }

    [Fact]
    public async Task AdmitAsync_OverTheRate_DefersToTheNextWindowHoldingAPlaceThere()
    {
        var gate = Gate(Options(2));

        var first = await gate.AdmitAsync(Command("k1"));
        var second = await gate.AdmitAsync(Command("k2"));
        var third = await gate.AdmitAsync(Command("k3"));

        Assert.Null(first.Deferral);
        Assert.Null(second.Deferral);
        var deferral = third.Deferral!;
        Assert.Equal(SendStatus.Deferred, deferral.Status);
        Assert.Equal(SendGate.RateRule, deferral.Rule);
        Assert.Equal(Noon.AddMinutes(1), deferral.RetryAt);
        Assert.Equal(Noon.AddMinutes(1), deferral.ReservedWindow);
        Assert.StartsWith("rate: email is limited to 2 per 00:01:00", deferral.Reason, StringComparison.Ordinal);
        Assert.True(SendGate.Held(deferral));
    }

    [Fact]
    public async Task AdmitAsync_ConcurrentSendsInOneHost_ShareCursorWritesAndHoldTheRate()
    {
        var gate = Gate(Options(5));
        _state.RateWriteDelay = TimeSpan.FromMilliseconds(100);

        var admissions = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => gate.AdmitAsync(Command("k" + i)))));

        Assert.InRange(_state.RateWrites, 1, 10);
        Assert.Equal([5, 5, 5, 5], admissions.GroupBy(a => a.Window ?? a.Deferral!.ReservedWindow).OrderBy(g => g.Key).Select(g => g.Count()));
        Assert.Equal(5, admissions.Count(a => a.Deferral is null));
    }

    [Fact]
    public async Task AdmitAsync_ReservationWithinItsWindow_PassesWithoutTakingAnotherPlace()
    {
        var gate = Gate(Options(1));
        await gate.AdmitAsync(Command("k1"));
        var deferred = await gate.AdmitAsync(Command("k2"));
        var writes = _state.RateWrites;
        _clock.Advance(TimeSpan.FromMinutes(1));

        var again = await gate.AdmitAsync(Command("k2") with { Attempt = 2, ReservedWindow = deferred.Deferral!.ReservedWindow });
        var other = await gate.AdmitAsync(Command("k3"));

        Assert.Null(again.Deferral);
        Assert.Equal(writes + 1, _state.RateWrites);
        Assert.Equal(Noon.AddMinutes(2), other.Deferral!.RetryAt);
    }

    [Fact]
    public async Task AdmitAsync_ReservedWindowPassedBeforeTheRetry_ReservesAgain()
    {
        var gate = Gate(Options(1));
        _clock.Advance(TimeSpan.FromMinutes(3));

        var late = await gate.AdmitAsync(Command("k1") with { Attempt = 2, ReservedWindow = Noon.AddMinutes(1) });
        var next = await gate.AdmitAsync(Command("k2"));

        Assert.Null(late.Deferral);
        Assert.Equal(Noon.AddMinutes(4), next.Deferral!.RetryAt);
    }

    [Fact]
    public async Task AdmitAsync_RetryBeforeItsReservedWindow_DefersToItAgainWithoutANewPlace()
    {
        var gate = Gate(Options(1));

        var early = await gate.AdmitAsync(Command("k1") with { Attempt = 2, ReservedWindow = Noon.AddMinutes(1) });

        Assert.Equal(Noon.AddMinutes(1), early.Deferral!.RetryAt);
        Assert.Equal(0, _state.RateWrites);
    }

    [Fact]
    public async Task ReportAsync_ThresholdOfFailures_OpensTheCircuitAndLaterSendsAreDeferredWithoutARatePlace()
    {
        var gate = Gate(Options(100));
        await FailAsync(gate, 3);
        var writes = _state.RateWrites;

        var held = await gate.AdmitAsync(Command("k9"));

        var circuit = _state.Circuit("email")!;
        Assert.Equal(CircuitState.Open, circuit.State);
        Assert.Equal(3, circuit.Failures);
        Assert.Equal("Outage: HTTP 503", circuit.LastFailure);
        Assert.Equal(SendGate.CircuitRule, held.Deferral!.Rule);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(1), held.Deferral.RetryAt);
        Assert.Contains("Outage: HTTP 503", held.Deferral.Reason, StringComparison.Ordinal);
        Assert.Equal(writes, _state.RateWrites);
    }

    [Fact]
    public async Task AdmitAsync_AfterTheCoolDown_LetsOneTrialOutAndItsSuccessClosesTheCircuit()
    {
        var gate = Gate(Options());
        await FailAsync(gate, 3);
        _clock.Advance(TimeSpan.FromMinutes(1));

        var trial = await gate.AdmitAsync(Command("t1"));
        var waiting = await gate.AdmitAsync(Command("t2"));
        await gate.ReportAsync(Command("t1"), trial, ChannelFault.None, "accepted");
        var after = await gate.AdmitAsync(Command("t3"));

        Assert.True(trial.Trial);
        Assert.Null(trial.Deferral);
        Assert.Equal(SendGate.CircuitRule, waiting.Deferral!.Rule);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromSeconds(5), waiting.Deferral.RetryAt);
        Assert.Null(after.Deferral);
        Assert.Equal(CircuitState.Closed, _state.Circuit("email")!.State);
    }

    [Fact]
    public async Task AdmitAsync_HeldBehindATrialThatSucceeds_GoesOutAtTheRecheckLongBeforeTheTrialTimeout()
    {
        var gate = Gate(Options());
        await FailAsync(gate, 3);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var trial = await gate.AdmitAsync(Command("t1"));
        var held = await gate.AdmitAsync(Command("t2"));

        await gate.ReportAsync(Command("t1"), trial, ChannelFault.None, "accepted");
        _clock.Advance(held.Deferral!.RetryAt!.Value - _clock.GetUtcNow());
        var again = await gate.AdmitAsync(Command("t2"));

        Assert.True(held.Deferral.RetryAt < trial.Circuit.RetryAt, $"held until {held.Deferral.RetryAt:O}, the trial's hold ends {trial.Circuit.RetryAt:O}");
        Assert.Null(again.Deferral);
        Assert.False(again.Trial);
    }

    [Fact]
    public async Task AdmitAsync_HeldBehindATrialThatFails_AsksAgainAndIsHeldForTheNewCoolDown()
    {
        var gate = Gate(Options());
        await FailAsync(gate, 3);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var trial = await gate.AdmitAsync(Command("t1"));
        var held = await gate.AdmitAsync(Command("t2"));

        await gate.ReportAsync(Command("t1"), trial, ChannelFault.Outage, "HTTP 503");
        var failedAt = _clock.GetUtcNow();
        _clock.Advance(held.Deferral!.RetryAt!.Value - failedAt);
        var again = await gate.AdmitAsync(Command("t2"));

        Assert.Equal(CircuitState.Open, _state.Circuit("email")!.State);
        Assert.Equal(SendGate.CircuitRule, again.Deferral!.Rule);
        Assert.Equal(failedAt + TimeSpan.FromMinutes(2), again.Deferral.RetryAt);
    }

    [Fact]
    public async Task AdmitAsync_AnotherHostWroteTheTrialFirst_AsksAgainAtTheRecheck()
    {
        var here = Gate(Options());
        var elsewhere = Gate(Options());
        await FailAsync(here, 3);
        _clock.Advance(TimeSpan.FromSeconds(59.5));
        Assert.Equal(SendGate.CircuitRule, (await elsewhere.AdmitAsync(Command("e1"))).Deferral!.Rule);
        _clock.Advance(TimeSpan.FromSeconds(0.5));

        var trial = await here.AdmitAsync(Command("t1"));
        // Within its refresh interval elsewhere still has the open circuit it read, finds the cool-down over, and loses the write.
        var lost = await elsewhere.AdmitAsync(Command("e2"));

        Assert.True(trial.Trial);
        Assert.False(lost.Trial);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromSeconds(5), lost.Deferral!.RetryAt);
    }

    [Fact]
    public async Task ReportAsync_TrialFails_ReopensForTwiceTheCoolDown()
    {
        var gate = Gate(Options());
        await FailAsync(gate, 3);
        _clock.Advance(TimeSpan.FromMinutes(1));

        var trial = await gate.AdmitAsync(Command("t1"));
        await gate.ReportAsync(Command("t1"), trial, ChannelFault.Authentication, "HTTP 401");

        var circuit = _state.Circuit("email")!;
        Assert.Equal(CircuitState.Open, circuit.State);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(2), circuit.RetryAt);
    }

    [Fact]
    public async Task AdmitAsync_ManySendsWithinTheRefreshInterval_ReadTheCircuitRowOnce()
    {
        var gate = Gate(Options());

        for (var i = 0; i < 10; i++)
        {
            Assert.Null((await gate.AdmitAsync(Command("k" + i))).Deferral);
            _clock.Advance(TimeSpan.FromMilliseconds(90));
        }

        Assert.Equal(1, _state.CircuitReads);
        _clock.Advance(TimeSpan.FromMilliseconds(200));
        await gate.AdmitAsync(Command("k10"));
        Assert.Equal(2, _state.CircuitReads);
    }

    [Fact]
    public async Task AdmitAsync_CircuitOpenedByAnotherHost_HoldsThisHostsSendsFromTheNextRead()
    {
        var here = Gate(Options());
        var elsewhere = Gate(Options());
        Assert.Null((await here.AdmitAsync(Command("k0"))).Deferral);

        await FailAsync(elsewhere, 3);
        var before = await here.AdmitAsync(Command("k1"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        var after = await here.AdmitAsync(Command("k2"));

        Assert.Null(before.Deferral);
        Assert.Equal(SendGate.CircuitRule, after.Deferral!.Rule);
    }

    [Fact]
    public async Task ReportAsync_FailuresInThisHost_HoldItsNextSendAtOnce()
    {
        var gate = Gate(Options());
        Assert.Null((await gate.AdmitAsync(Command("k0"))).Deferral);

        await FailAsync(gate, 3);

        Assert.Equal(SendGate.CircuitRule, (await gate.AdmitAsync(Command("k1"))).Deferral!.Rule);
    }

    [Fact]
    public async Task ReportAsync_BreakerOff_NeverOpens()
    {
        var gate = Gate(Options(threshold: 0));

        await FailAsync(gate, 10);

        Assert.Null(_state.Circuit("email"));
        Assert.Null((await gate.AdmitAsync(Command("k"))).Deferral);
    }

    [Fact]
    public async Task ReadAsync_OneChannelOpen_ListsEveryMediumWithItsStateAndRate()
    {
        var options = Options(600);
        var gate = Gate(options);
        await FailAsync(gate, 3);

        var health = await new ChannelHealthReader(_state, options).ReadAsync();

        Assert.Equal(["email", "line", "webhook", "postcard"], health.Select(h => h.Medium));
        var email = health[0];
        Assert.Equal(CircuitState.Open, email.State);
        Assert.Equal(3, email.ConsecutiveFailures);
        Assert.Equal(_clock.GetUtcNow(), email.OpenedAt);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(1), email.RetryAt);
        Assert.Equal(600, email.Rate);
        Assert.Equal(new ChannelHealth("line", CircuitState.Closed, 0, null, null, null, null, TimeSpan.FromMinutes(1)), health[1]);
    }

    [Theory]
    [InlineData("fax", 10, "Sending:Rate:fax names no medium")]
    [InlineData("email", -1, "Sending:Rate:email must be 0 (no limit) or more")]
    public void Validate_BadRate_ThrowsNamingTheSetting(string medium, int rate, string expected)
    {
        var options = new SendingOptions { Rate = { [medium] = rate } };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7, 3, new[] { 3, 2, 2 })]
    [InlineData(6, 3, new[] { 2, 2, 2 })]
    [InlineData(5, 1, new[] { 5 })]
    public void ShareOf_RateSplitOverShards_SumsToTheRate(int rate, int shards, int[] expected)
    {
        Assert.Equal(expected, Enumerable.Range(0, shards).Select(s => SendingOptions.ShareOf(rate, shards, s)));
    }

    [Fact]
    public void Validate_FewerPlacesThanShards_ThrowsNamingTheSetting()
    {
        var options = new SendingOptions { Rate = { ["line"] = 2 }, RateShards = 4 };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("Sending:Rate:line (2) must be at least Sending:RateShards (4)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RefreshIntervalLongerThanTheCoolDown_ThrowsNamingTheSetting()
    {
        var options = new SendingOptions { Circuit = new CircuitBreakerOptions { RefreshInterval = TimeSpan.FromMinutes(2) } };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.StartsWith("Sending:Circuit:RefreshInterval must be from 0 (read for every send) to CoolDown (00:01:00), got 00:02:00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TrialRecheckIntervalZero_ThrowsNamingTheSetting()
    {
        var options = new SendingOptions { Circuit = new CircuitBreakerOptions { TrialRecheckInterval = TimeSpan.Zero } };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.StartsWith("Sending:Circuit:TrialRecheckInterval must be positive, got 00:00:00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_SettingsAsAppSettings_ReadsRatesWindowShardsAndCircuit()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sending:Rate:email"] = "600",
            ["Sending:Rate:line"] = "0",
            ["Sending:RateWindow"] = "00:00:30",
            ["Sending:RateShards"] = "2",
            ["Sending:Circuit:FailureThreshold"] = "7",
            ["Sending:Circuit:CoolDown"] = "00:02:00",
        }).Build();
        var options = new SendingOptions();

        ConfigurationBinder.Bind(configuration.GetSection(SendingOptions.Section), options);
        options.Validate();

        Assert.Equal(600, options.RateFor("email"));
        Assert.Null(options.RateFor("line"));
        Assert.Null(options.RateFor("webhook"));
        Assert.Equal(TimeSpan.FromSeconds(30), options.RateWindow);
        Assert.Equal(2, options.RateShards);
        Assert.Equal(7, options.Circuit.FailureThreshold);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Circuit.CoolDown);
        Assert.Equal(TimeSpan.FromMinutes(15), options.Circuit.MaxCoolDown);
    }

    [Fact]
    public void Validate_MaxCoolDownBelowTheCoolDown_ThrowsNamingTheSetting()
    {
        var options = new SendingOptions { Circuit = new CircuitBreakerOptions { CoolDown = TimeSpan.FromMinutes(5), MaxCoolDown = TimeSpan.FromMinutes(1) } };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("Sending:Circuit:MaxCoolDown", error.Message, StringComparison.Ordinal);
    }

    private SendGate Gate(SendingOptions options)
    {
        options.Validate();
        return new SendGate(_state, _state, options, _clock, NullLogger<SendGate>.Instance);
    }

    private async Task FailAsync(SendGate gate, int times)
    {
        for (var i = 0; i < times; i++)
        {
            var send = Command("f" + i);
            var admission = await gate.AdmitAsync(send);
            await gate.ReportAsync(send, admission, ChannelFault.Outage, "HTTP 503");
        }
    }

    // Email limited to perMinute (none when null); the circuit opens after three failures.
    private static SendingOptions Options(int? perMinute = null, int threshold = 3)
    {
        var options = new SendingOptions { Circuit = new CircuitBreakerOptions { FailureThreshold = threshold } };
        if (perMinute is { } rate)
        {
            options.Rate["email"] = rate;
        }

        return options;
    }

    private static SendCommand Command(string key) => new("c1", "i1", "j1", 1, "a", "email", "m1", false, key, 1);
}
