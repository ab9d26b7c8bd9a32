using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>The recording channel keeps each message, or hands it to its callback instead.</summary>
public sealed class RecordingChannelTests
{
    private static readonly OutboundMessage Message = new("c1", "email", "m1", "k1", "j", "s", new Dictionary<string, string> { ["subject"] = "hi" }, new CustomerProfile("c1"));

    [Fact]
    public async Task SendAsync_WithCallback_HandsTheMessageOnAndKeepsNone()
    {
        var handed = new List<OutboundMessage>();
        var channel = new RecordingChannel("email", handed.Add);

        var result = await channel.SendAsync(Message);

        Assert.Same(Message, Assert.Single(handed));
        Assert.Empty(channel.Sent);
        Assert.Equal(new Delivered("rec-k1"), result);
    }

    [Fact]
    public async Task SendAsync_WithoutCallback_KeepsTheMessage()
    {
        var channel = new RecordingChannel("email");

        await channel.SendAsync(Message);

        Assert.Same(Message, Assert.Single(channel.Sent));
    }
}
