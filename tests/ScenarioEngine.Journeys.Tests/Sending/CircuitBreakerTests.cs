using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys.Tests.Sending;

public sealed class CircuitBreakerTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly CircuitBreakerOptions Options = new() { FailureThreshold = 3, FailureWindow = TimeSpan.FromMinutes(1), CoolDown = TimeSpan.FromMinutes(1), MaxCoolDown = TimeSpan.FromMinutes(3) };

    [Fact]
    public void Failed_ThresholdReachedWithinTheWindow_OpensForTheCoolDown()
    {
        var circuit = Fail(ChannelCircuit.Healthy, Noon, Noon.AddSeconds(10), Noon.AddSeconds(20));

        Assert.Equal(CircuitState.Open, circuit.State);
        Assert.Equal(3, circuit.Failures);
        Assert.Equal(Noon.AddSeconds(20), circuit.OpenedAt);
        Assert.Equal(Noon.AddSeconds(80), circuit.RetryAt);
        Assert.Equal("503", circuit.LastFailure);
    }

    [Fact]
    public void Failed_RunOlderThanTheWindow_StartsCountingAgain()
    {
        var circuit = Fail(ChannelCircuit.Healthy, Noon, Noon.AddSeconds(30), Noon.AddSeconds(90));

        Assert.Equal(CircuitState.Closed, circuit.State);
        Assert.Equal(1, circuit.Failures);
        Assert.Equal(Noon.AddSeconds(90), circuit.FirstFailureAt);
    }

    [Fact]
    public void Succeeded_BetweenFailures_ResetsTheCount()
    {
        var circuit = CircuitBreaker.Succeeded(Fail(ChannelCircuit.Healthy, Noon, Noon.AddSeconds(1)));
        circuit = Fail(circuit, Noon.AddSeconds(2), Noon.AddSeconds(3));

        Assert.Equal(CircuitState.Closed, circuit.State);
        Assert.Equal(2, circuit.Failures);
    }

    [Fact]
    public void Admit_OpenBeforeTheCoolDownEnds_DefersAndAfterItOffersATrial()
    {
        var open = Fail(ChannelCircuit.Healthy, Noon, Noon, Noon);

        Assert.Equal(CircuitAdmission.Pass, CircuitBreaker.Admit(ChannelCircuit.Healthy, Noon));
        Assert.Equal(CircuitAdmission.Defer, CircuitBreaker.Admit(open, Noon.AddSeconds(59)));
        Assert.Equal(CircuitAdmission.Trial, CircuitBreaker.Admit(open, Noon.AddSeconds(60)));
    }

    [Fact]
    public void StartTrial_HalfOpen_HoldsOtherSendsUntilTheTrialTimesOut()
    {
        var trial = CircuitBreaker.StartTrial(Fail(ChannelCircuit.Healthy, Noon, Noon, Noon), Noon.AddSeconds(60), Options);

        Assert.Equal(CircuitState.HalfOpen, trial.State);
        Assert.Equal(CircuitAdmission.Defer, CircuitBreaker.Admit(trial, Noon.AddSeconds(61)));
        Assert.Equal(CircuitAdmission.Trial, CircuitBreaker.Admit(trial, Noon.AddSeconds(90)));
    }

    [Fact]
    public void AskAgainAt_OpenOrBehindATrial_TheCoolDownEndOrTheRecheckWithinTheTrialsHold()
    {
        var open = Fail(ChannelCircuit.Healthy, Noon, Noon, Noon);
        var trial = CircuitBreaker.StartTrial(open, Noon.AddSeconds(60), Options);

        Assert.Equal(Noon.AddSeconds(60), CircuitBreaker.AskAgainAt(open, Noon.AddSeconds(10), Options));
        Assert.Equal(Noon.AddSeconds(66), CircuitBreaker.AskAgainAt(trial, Noon.AddSeconds(61), Options));
        Assert.Equal(Noon.AddSeconds(90), CircuitBreaker.AskAgainAt(trial, Noon.AddSeconds(88), Options));
    }

    [Fact]
    public void Succeeded_Trial_ClosesTheCircuit()
    {
        var trial = CircuitBreaker.StartTrial(Fail(ChannelCircuit.Healthy, Noon, Noon, Noon), Noon.AddSeconds(60), Options);

        var closed = CircuitBreaker.Succeeded(trial);

        Assert.Equal(CircuitState.Closed, closed.State);
        Assert.Equal(0, closed.Failures);
        Assert.Null(closed.RetryAt);
        Assert.Equal(CircuitAdmission.Pass, CircuitBreaker.Admit(closed, Noon.AddSeconds(61)));
    }

    [Fact]
    public void Failed_Trials_ReopenWithTheCoolDownDoubledUpToTheMaximum()
    {
        var circuit = Fail(ChannelCircuit.Healthy, Noon, Noon, Noon);
        var retryDelays = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            var at = circuit.RetryAt!.Value;
            circuit = CircuitBreaker.Failed(CircuitBreaker.StartTrial(circuit, at, Options), at, "503", Options);
            retryDelays.Add(circuit.RetryAt!.Value - at);
        }

        Assert.Equal(CircuitState.Open, circuit.State);
        Assert.Equal([TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3)], retryDelays);
    }

    [Fact]
    public void Succeeded_WhileOpen_KeepsItOpenForItsTrial()
    {
        var open = Fail(ChannelCircuit.Healthy, Noon, Noon, Noon);

        Assert.Same(open, CircuitBreaker.Succeeded(open));
    }

    [Fact]
    public void Failed_WhileOpen_KeepsTheCoolDown()
    {
        var open = Fail(ChannelCircuit.Healthy, Noon, Noon, Noon);

        var after = CircuitBreaker.Failed(open, Noon.AddSeconds(30), "timeout", Options);

        Assert.Equal(open.RetryAt, after.RetryAt);
        Assert.Equal("timeout", after.LastFailure);
    }

    private static ChannelCircuit Fail(ChannelCircuit circuit, params DateTimeOffset[] at) =>
        at.Aggregate(circuit, (c, t) => CircuitBreaker.Failed(c, t, "503", Options));
}
