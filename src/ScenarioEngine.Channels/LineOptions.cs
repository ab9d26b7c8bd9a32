namespace ScenarioEngine.Channels;

/// <summary>The "Line" configuration section: LINE Messaging API push messages.</summary>
public sealed class LineOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Line";

    /// <summary>The channel access token, sent as a Bearer token; empty means LINE messages are recorded, not sent.</summary>
    public string ChannelAccessToken { get; set; } = "";
}
