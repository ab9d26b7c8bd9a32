using Microsoft.DurableTask;
using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys.Tests;

public sealed class SendActivityTests
{
    private readonly FakeLedger _ledger = new();
    private readonly FakeRecorder _recorder = new();
    private readonly FakeChannel _channel = new();

    [Fact]
    public async Task RunAsync_SameSendTwice_CallsTheChannelOnceAndReturnsTheRecordedOutcome()
    {
        var activity = Activity();
        var command = Command();

        var first = await activity.RunAsync(new Context(), command);
        var second = await activity.RunAsync(new Context(), command);

        Assert.Single(_channel.Sent);
        Assert.Equal(SendStatus.Sent, first.Status);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task RunAsync_ClaimedWithoutOutcome_DoesNotSendAndReportsUnknown()
    {
        var command = Command();
        _ledger.LeaveClaimed(command.CustomerId, command.IdempotencyKey, DateTimeOffset.UtcNow);

        var outcome = await Activity().RunAsync(new Context(), command);

        Assert.Empty(_channel.Sent);
        Assert.Equal(SendStatus.Unknown, outcome.Status);
    }

    [Fact]
    public async Task RunAsync_CommandWithoutMedium_ThrowsNamingTheField()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Activity().RunAsync(new Context(), Command() with { Medium = "" }));

        Assert.Contains("SendCommand.Medium", error.Message, StringComparison.Ordinal);
    }

    private SendActivity Activity() =>
        new(_ledger, _recorder, _channel, new SendPolicyOptions(), TimeProvider.System, NullLogger<SendActivity>.Instance);

    private static SendCommand Command() => new("c1", "i1", "j1", 1, "a", "webhook", "m1", false, "i1/1/a", 1);

    private sealed class Context : TaskActivityContext
    {
        public override TaskName Name => new(SendActivity.Name);

        public override string InstanceId => "i1";
    }
}
