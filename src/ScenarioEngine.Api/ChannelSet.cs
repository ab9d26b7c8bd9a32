using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Api;

/// <summary>The channels the engine sends through; media without a configured provider get a recording channel.</summary>
public sealed class ChannelSet(IReadOnlyList<IChannel> channels)
{
    /// <summary>Every channel.</summary>
    public IReadOnlyList<IChannel> Channels { get; } = channels;

    /// <summary>The recording channel of a medium, when no provider is configured for it.</summary>
    public RecordingChannel? Recording(string medium) => Channels.OfType<RecordingChannel>().FirstOrDefault(c => c.Medium == medium);
}
