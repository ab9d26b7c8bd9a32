using Microsoft.DurableTask;
using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Channels;
using ScenarioEngine.Channels.Tests;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;
using ScenarioEngine.Journeys.Storage.Adapters;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Journeys.Tests;

/// <summary>
/// A SendGrid send that gets no answer, end to end through the send activity: the catalog channel, the SendGrid channel and client,
/// and a loopback server that reads the request and never answers within the attempt timeout.
/// </summary>
public sealed class SendGridTimeoutTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly string Deadline = $"outcome unknown: awaiting the provider's confirmation until {T0.AddHours(1):O}";

    private readonly LoopbackServer _server = new() { Handler = _ => ScriptedResponse.Stalled };
    private readonly LoopbackHttpClientFactory _http;
    private readonly FakeLedger _ledger = new();
    private readonly FakeSendGateState _gateState = new();
    private readonly ManualClock _clock = new(T0);
    private readonly SendCommand _command = new("c1", "i1", "j1", 1, "thanks", Medium.Email, "thank-you", false, "i1/1/thanks", 1);

    public SendGridTimeoutTests()
    {
        _http = new LoopbackHttpClientFactory(_server.BaseAddress);
        _ledger.Put(TestJourneys.Profile("c1", ("email", Value.From("mai@example.jp"))));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task RunAsync_SendGridDoesNotAnswer_KeepsTheClaimAwaitingConfirmationWithoutASecondRequest()
    {
        var activity = Activity();

        var first = await activity.RunAsync(new Context(), _command);
        _clock.Now = T0.AddMinutes(20);
        var asked = await activity.RunAsync(new Context(), _command with { Attempt = 2 });

        Assert.Equal(SendStatus.Deferred, first.Status);
        Assert.Equal("SendGrid did not answer within 2 s", first.Reason);
        Assert.Equal(T0.AddHours(1), first.RetryAt);
        Assert.Equal(Deadline, first.Settlement);
        Assert.Equal(SendStatus.Deferred, asked.Status);
        Assert.Equal(T0.AddHours(1), asked.RetryAt);
        Assert.Single(_server.Requests);
        var claim = (await _ledger.ReadAsync(_command.CustomerId, _command.IdempotencyKey)).Claim;
        Assert.NotNull(claim);
        Assert.Null(claim.Outcome);
        Assert.Empty(_ledger.Outcomes);
        Assert.Equal("Outage: SendGrid did not answer within 2 s", _gateState.Circuit(Medium.Email)!.LastFailure);
    }

    [Fact]
    public async Task RunAsync_SendGridDoesNotAnswerThenTheWebhookReportsProcessed_SettlesAsSentWithOneRequest()
    {
        var activity = Activity();

        var first = await activity.RunAsync(new Context(), _command);
        await _ledger.ConfirmAsync(new SendConfirmation(_command.CustomerId, _command.IdempotencyKey, "SendGrid", "processed", T0.AddSeconds(5)));
        _clock.Now = first.RetryAt!.Value;
        var settled = await activity.RunAsync(new Context(), _command with { Attempt = 2 });

        Assert.Equal(SendStatus.Sent, settled.Status);
        Assert.Equal("confirmed by SendGrid's processed event", settled.Settlement);
        Assert.Single(_server.Requests);
        Assert.Equal([(_command.IdempotencyKey, settled)], _ledger.Outcomes);
    }

    private SendActivity Activity()
    {
        var catalog = new Catalog();
        catalog.Load([], [], [MessageParser.Parse("""{ "id": "thank-you", "email": { "subject": "Thanks", "text": "Thank you" } }""").Value!]);
        var options = new SendGridOptions { ApiKey = "SG.test", From = "shop@example.jp" };
        var retry = new Channels.RetryPolicy(new RetryOptions { AttemptTimeout = TimeSpan.FromSeconds(2), BaseDelay = TimeSpan.FromMilliseconds(10) });
        var email = new SendGridEmailChannel(new SendGridEmailClient(_http, options, retry), options, _clock);
        var channel = new CatalogSendChannel(catalog, new VerbatimRenderer(), [email]);
        return new SendActivity(_ledger, new FakeRecorder(), channel,
            new SendGate(_gateState, _gateState, new SendingOptions(), _clock, NullLogger<SendGate>.Instance),
            new SendSettlement(_ledger, _ledger, channel, new SendSettlementOptions(), _clock, NullLogger<SendSettlement>.Instance),
            new SendPolicyOptions(), _clock, NullLogger<SendActivity>.Instance);
    }

    private sealed class Context : TaskActivityContext
    {
        public override TaskName Name => new(SendActivity.Name);

        public override string InstanceId => "i1";
    }
}
