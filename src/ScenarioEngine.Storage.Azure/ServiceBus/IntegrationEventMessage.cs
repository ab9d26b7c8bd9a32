using System.Security.Cryptography;
using System.Text;
using Azure.Messaging.ServiceBus;
using ScenarioEngine.Runtime.Integration;

namespace ScenarioEngine.Storage.Azure.ServiceBus;

/// <summary>
/// An integration event as a Service Bus message: the JSON body, message id = event id (duplicate detection), session id = customer id
/// (one customer's events in order on session-enabled subscriptions), subject = type, content type application/json.
/// </summary>
public static class IntegrationEventMessage
{
    /// <summary>The content type of every message.</summary>
    public const string ContentType = "application/json";

    /// <summary>The application property holding the schema version.</summary>
    public const string SchemaVersionProperty = "schemaVersion";

    /// <summary>The longest session id Service Bus accepts.</summary>
    public const int MaxSessionIdLength = 128;

    /// <summary>Builds the message for an event.</summary>
    public static ServiceBusMessage From(IntegrationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var message = new ServiceBusMessage(new BinaryData(IntegrationEventJson.ToUtf8(e)))
        {
            MessageId = e.Id,
            SessionId = SessionId(e.CustomerId),
            Subject = e.Type,
            ContentType = ContentType,
        };
        message.ApplicationProperties[SchemaVersionProperty] = IntegrationEvent.SchemaVersion;
        return message;
    }

    /// <summary>
    /// The session id for a customer: the customer id itself, or, when longer than Service Bus allows (customer ids hold up to 256
    /// characters), its first 95 characters, '~' and 32 hex digits of its SHA-256, still one fixed session per customer.
    /// </summary>
    public static string SessionId(string customerId)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        if (customerId.Length <= MaxSessionIdLength)
        {
            return customerId;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(customerId)).AsSpan(0, 16));
        return string.Concat(customerId.AsSpan(0, MaxSessionIdLength - 33), "~", hash);
    }
}
