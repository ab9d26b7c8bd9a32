using System.Security.Cryptography;
using System.Text;

namespace ScenarioEngine.Runtime.Integration;

/// <summary>
/// One thing the engine did, for the shop's other systems (CRM, SFA, warehouse). The JSON shape is <see cref="IntegrationEventJson"/>,
/// documented in docs/integration-events.md and schemas/integration-event.schema.json. Build one with the factory methods: they derive
/// <see cref="Id"/> from what happened, so a retried or replayed step gives the same id (and Service Bus drops the duplicate).
/// </summary>
/// <param name="Id">Derived from the customer, the type and what the event is about (a UUID in form).</param>
/// <param name="Type">One of <see cref="IntegrationEventTypes"/>.</param>
/// <param name="OccurredAt">When the engine did it (its clock at the step).</param>
/// <param name="CustomerId">The shop's customer id.</param>
public sealed record IntegrationEvent(string Id, string Type, DateTimeOffset OccurredAt, string CustomerId)
{
    /// <summary>The version of the JSON shape (the <c>schemaVersion</c> field); raised only by an incompatible change.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The journey (journey and message events).</summary>
    public string? JourneyId { get; init; }

    /// <summary>The journey version the customer runs (journey and message events).</summary>
    public int? Version { get; init; }

    /// <summary>The journey instance: the customer's entry into the journey (journey and message events).</summary>
    public string? InstanceId { get; init; }

    /// <summary>The step (message events, and the step an instance exited at).</summary>
    public string? StepId { get; init; }

    /// <summary>email, line, webhook or postcard (message events).</summary>
    public string? Medium { get; init; }

    /// <summary>The message document's id (message events).</summary>
    public string? MessageId { get; init; }

    /// <summary>The send's idempotency key, as the channel received it (message events).</summary>
    public string? SendKey { get; init; }

    /// <summary>The provider's id of the delivered message, when it gave one (message.sent).</summary>
    public string? ProviderMessageId { get; init; }

    /// <summary>Why: the exit reason, the policy rule and reason of a skip, the provider's error of a failure.</summary>
    public string? Reason { get; init; }

    /// <summary>The segment (segment events).</summary>
    public string? SegmentId { get; init; }

    /// <summary>The customer event that caused it: the trigger of an entry, the goal event of a conversion, the event that changed a segment.</summary>
    public string? CauseEventId { get; init; }

    /// <summary>A customer entered a journey.</summary>
    public static IntegrationEvent JourneyEntered(string customerId, string journeyId, int version, string instanceId, string? triggerEventId, DateTimeOffset at) =>
        new(DeriveId(customerId, IntegrationEventTypes.JourneyEntered, instanceId), IntegrationEventTypes.JourneyEntered, at, customerId)
        {
            JourneyId = journeyId, Version = version, InstanceId = instanceId, CauseEventId = triggerEventId,
        };

    /// <summary>A journey instance ended, for <paramref name="reason"/> (completed, audienceLost, an exit event...).</summary>
    public static IntegrationEvent JourneyExited(string customerId, string journeyId, int version, string instanceId, string? stepId, string reason, DateTimeOffset at) =>
        new(DeriveId(customerId, IntegrationEventTypes.JourneyExited, instanceId), IntegrationEventTypes.JourneyExited, at, customerId)
        {
            JourneyId = journeyId, Version = version, InstanceId = instanceId, StepId = stepId, Reason = reason,
        };

    /// <summary>A journey instance reached its goal with <paramref name="goalEventId"/>.</summary>
    public static IntegrationEvent JourneyConverted(string customerId, string journeyId, int version, string instanceId, string goalEventId, DateTimeOffset at) =>
        new(DeriveId(customerId, IntegrationEventTypes.JourneyConverted, instanceId), IntegrationEventTypes.JourneyConverted, at, customerId)
        {
            JourneyId = journeyId, Version = version, InstanceId = instanceId, CauseEventId = goalEventId,
        };

    /// <summary>A send ended: <paramref name="type"/> is message.sent, message.skipped or message.failed.</summary>
    public static IntegrationEvent MessageOutcome(string type, string customerId, string journeyId, int version, string instanceId, string stepId, string medium,
        string messageId, string sendKey, string? providerMessageId, string? reason, DateTimeOffset at)
    {
        if (type is not (IntegrationEventTypes.MessageSent or IntegrationEventTypes.MessageSkipped or IntegrationEventTypes.MessageFailed))
        {
            throw new ArgumentException($"'{type}' is not a message outcome type", nameof(type));
        }

        return new(DeriveId(customerId, type, sendKey), type, at, customerId)
        {
            JourneyId = journeyId, Version = version, InstanceId = instanceId, StepId = stepId, Medium = medium, MessageId = messageId,
            SendKey = sendKey, ProviderMessageId = providerMessageId, Reason = reason,
        };
    }

    /// <summary>A customer entered (<paramref name="entered"/>) or left a segment because of <paramref name="causeEventId"/>.</summary>
    public static IntegrationEvent SegmentChanged(bool entered, string customerId, string segmentId, string causeEventId, DateTimeOffset at)
    {
        var type = entered ? IntegrationEventTypes.SegmentEntered : IntegrationEventTypes.SegmentLeft;
        return new(DeriveId(customerId, type, segmentId + "\n" + causeEventId), type, at, customerId) { SegmentId = segmentId, CauseEventId = causeEventId };
    }

    /// <summary>
    /// A UUID-shaped id (RFC 9562 version 8: SHA-256 of the customer, type and subject, length-prefixed) so the same happening always
    /// gets the same id, and different ones never share it.
    /// </summary>
    internal static string DeriveId(string customerId, string type, string subject)
    {
        // Hashes the UTF-8 of "{length}:{customerId}|{type}|{subject}" without building that text: one event per journey step is
        // made on the engine's hot path, whether or not a broker is configured.
        Span<char> length = stackalloc char[11];
        customerId.Length.TryFormat(length, out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
        var size = digits + 3 + Encoding.UTF8.GetByteCount(customerId) + Encoding.UTF8.GetByteCount(type) + Encoding.UTF8.GetByteCount(subject);
        byte[]? rented = null;
        var name = size <= 512 ? stackalloc byte[512] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(size));
        var n = Encoding.UTF8.GetBytes(length[..digits], name);
        name[n++] = (byte)':';
        n += Encoding.UTF8.GetBytes(customerId, name[n..]);
        name[n++] = (byte)'|';
        n += Encoding.UTF8.GetBytes(type, name[n..]);
        name[n++] = (byte)'|';
        n += Encoding.UTF8.GetBytes(subject, name[n..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(name[..n], hash);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }

        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        Span<char> id = stackalloc char[36];
        var at = 0;
        for (var i = 0; i < 16; i++)
        {
            if (i is 4 or 6 or 8 or 10)
            {
                id[at++] = '-';
            }

            id[at++] = "0123456789abcdef"[hash[i] >> 4];
            id[at++] = "0123456789abcdef"[hash[i] & 0xF];
        }

        return new string(id);
    }
}
