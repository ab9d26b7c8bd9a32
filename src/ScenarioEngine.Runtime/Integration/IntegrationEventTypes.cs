namespace ScenarioEngine.Runtime.Integration;

/// <summary>The integration event types (the <c>type</c> field; also the Service Bus message's subject).</summary>
public static class IntegrationEventTypes
{
    /// <summary>A customer entered a journey.</summary>
    public const string JourneyEntered = "journey.entered";

    /// <summary>A customer's journey instance ended.</summary>
    public const string JourneyExited = "journey.exited";

    /// <summary>A customer reached a journey's goal.</summary>
    public const string JourneyConverted = "journey.converted";

    /// <summary>A channel accepted a message for the customer.</summary>
    public const string MessageSent = "message.sent";

    /// <summary>The send policy skipped a message (consent, suppression, caps).</summary>
    public const string MessageSkipped = "message.skipped";

    /// <summary>A message failed for good (rejected by the provider, or out of attempts).</summary>
    public const string MessageFailed = "message.failed";

    /// <summary>A customer entered a segment.</summary>
    public const string SegmentEntered = "segment.entered";

    /// <summary>A customer left a segment.</summary>
    public const string SegmentLeft = "segment.left";

    /// <summary>Every type, in the order the docs list them.</summary>
    public static readonly IReadOnlyList<string> All =
        [JourneyEntered, JourneyExited, JourneyConverted, MessageSent, MessageSkipped, MessageFailed, SegmentEntered, SegmentLeft];
}
