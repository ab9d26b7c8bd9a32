using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ScenarioEngine.Storage.Azure;

/// <summary>A thin client for one queue of the Queue service REST API, on an Azure.Core pipeline with retries and Shared Key.</summary>
/// <remarks>Message text travels base64-encoded (UTF-8), as the Azure Functions queue trigger expects by default.</remarks>
public sealed partial class QueueClient
{
    /// <summary>The Queue service REST version this client speaks.</summary>
    public const string ServiceVersion = "2018-03-28";

    /// <summary>The most messages one receive call may return.</summary>
    public const int MaxMessagesPerReceive = 32;

    /// <summary>The longest a message may stay invisible (the service's limit).</summary>
    public static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromDays(7);

    private const int MaxEncodedMessageBytes = 64 * 1024;

    private readonly HttpPipeline _pipeline;

    /// <summary>Creates a client for a queue from a connection string.</summary>
    public QueueClient(string connectionString, string queueName, StorageClientOptions? options = null)
        : this(StorageConnectionString.Parse(connectionString), queueName, options)
    {
    }

    /// <summary>Creates a client for a queue from a parsed connection string.</summary>
    public QueueClient(StorageConnectionString connection, string queueName, StorageClientOptions? options = null)
        : this(
            (connection ?? throw new ArgumentNullException(nameof(connection))).QueueEndpoint
                ?? throw new ArgumentException("The connection string has no QueueEndpoint.", nameof(connection)),
            connection.AccountName,
            connection.AccountKey,
            queueName,
            options)
    {
    }

    /// <summary>Creates a client for a queue at a service endpoint (account host or path-style emulator URI) with an account key.</summary>
    public QueueClient(Uri endpoint, string accountName, string accountKey, string queueName, StorageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(queueName);
        if (!QueueNamePattern().IsMatch(queueName) || queueName.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{queueName}' is not a valid queue name: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.",
                nameof(queueName));
        }

        options ??= new StorageClientOptions();
        Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/'));
        Name = queueName;
        var pipelineOptions = new HttpPipelineOptions(options) { RequestFailedDetailsParser = StorageErrorParser.Instance };
        pipelineOptions.PerRetryPolicies.Add(
            new StorageSharedKeyPolicy(accountName, accountKey, SharedKeyScheme.SharedKey, ServiceVersion, options.TimeProvider));
        _pipeline = HttpPipelineBuilder.Build(pipelineOptions);
    }

    /// <summary>The Queue service endpoint.</summary>
    public Uri Endpoint { get; }

    /// <summary>The queue name.</summary>
    public string Name { get; }

    /// <summary>Creates the queue; returns true if it was created, false if it already existed.</summary>
    public async Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Put, "/" + Name);
        message.Request.Content = RequestContent.Create(Array.Empty<byte>());
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            201 => true,
            204 => false,
            409 when StorageErrorParser.ErrorCode(response) == "QueueAlreadyExists" => false,
            _ => throw StorageErrorParser.Failure(response),
        };
    }

    /// <summary>Sends a message that never expires, invisible for <paramref name="visibilityDelay"/> (up to 7 days) first.</summary>
    public async Task<QueueSendReceipt> SendMessageAsync(string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        if (encoded.Length > MaxEncodedMessageBytes)
        {
            throw new ArgumentException(
                $"The message is {encoded.Length} bytes once base64-encoded; a queue message holds at most {MaxEncodedMessageBytes}.", nameof(text));
        }

        using var message = CreateMessage(RequestMethod.Post, "/" + Name + "/messages");
        if (visibilityDelay is { } delay)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(delay, TimeSpan.Zero, nameof(visibilityDelay)), escapeValue: true);
        }

        message.Request.Uri.AppendQuery("messagettl", "-1", escapeValue: true);
        var body = new XElement("QueueMessage", new XElement("MessageText", encoded));
        SetXmlBody(message.Request, body);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 201)
        {
            throw StorageErrorParser.Failure(response);
        }

        var sent = ParseList(response).FirstOrDefault()
            ?? throw new RequestFailedException(response.Status, "The queue service did not describe the sent message.");
        return new QueueSendReceipt(
            Required(sent, "MessageId"),
            Required(sent, "PopReceipt"),
            Date(Required(sent, "InsertionTime")),
            Date(Required(sent, "TimeNextVisible")));
    }

    /// <summary>Receives up to <paramref name="maxMessages"/> (1..32) messages and hides them for <paramref name="visibilityTimeout"/> (default 30 s).</summary>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveMessagesAsync(
        int maxMessages = 1, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxMessagesPerReceive);
        using var message = CreateMessage(RequestMethod.Get, "/" + Name + "/messages");
        message.Request.Uri.AppendQuery("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture), escapeValue: true);
        if (visibilityTimeout is { } timeout)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(timeout, TimeSpan.FromSeconds(1), nameof(visibilityTimeout)), escapeValue: true);
        }

        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw StorageErrorParser.Failure(response);
        }

        return ParseList(response)
            .Select(m => new QueueMessage(
                Required(m, "MessageId"),
                Required(m, "PopReceipt"),
                DecodeText(m.Element("MessageText")?.Value ?? string.Empty),
                long.Parse(Required(m, "DequeueCount"), NumberStyles.Integer, CultureInfo.InvariantCulture),
                Date(Required(m, "InsertionTime")),
                Date(Required(m, "TimeNextVisible"))))
            .ToArray();
    }

    /// <summary>Deletes a received message; NotFound when it is already gone or was received again by someone else.</summary>
    public async Task<QueueStatus> DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        using var message = MessageRequest(RequestMethod.Delete, messageId, popReceipt);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status == 204 ? QueueStatus.Ok : ExpectedFailure(response);
    }

    /// <summary>Makes a received message invisible for <paramref name="visibilityTimeout"/> from now (0 makes it visible now); returns the new pop receipt.</summary>
    public async Task<QueueUpdateResult> UpdateVisibilityAsync(
        string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        var seconds = Seconds(visibilityTimeout, TimeSpan.Zero, nameof(visibilityTimeout));
        using var message = MessageRequest(RequestMethod.Put, messageId, popReceipt);
        message.Request.Uri.AppendQuery("visibilitytimeout", seconds, escapeValue: true);
        message.Request.Content = RequestContent.Create(Array.Empty<byte>());
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 204)
        {
            return new QueueUpdateResult(ExpectedFailure(response), null, null);
        }

        if (!response.Headers.TryGetValue("x-ms-popreceipt", out var newReceipt) ||
            !response.Headers.TryGetValue("x-ms-time-next-visible", out var nextVisible))
        {
            throw new RequestFailedException(response.Status, "The queue service did not return the new pop receipt.");
        }

        return new QueueUpdateResult(QueueStatus.Ok, newReceipt, Date(nextVisible));
    }

    /// <summary>The service's approximate number of messages in the queue (visible or not).</summary>
    public async Task<long> GetApproximateMessageCountAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Get, "/" + Name);
        message.Request.Uri.AppendQuery("comp", "metadata", escapeValue: true);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw StorageErrorParser.Failure(response);
        }

        if (!response.Headers.TryGetValue("x-ms-approximate-messages-count", out var count))
        {
            throw new RequestFailedException(response.Status, "The queue service did not return x-ms-approximate-messages-count.");
        }

        return long.Parse(count, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    /// <summary>Deletes every message in the queue.</summary>
    public async Task ClearAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, "/" + Name + "/messages");
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 204)
        {
            throw StorageErrorParser.Failure(response);
        }
    }

    // Text not written by this client (not base64) is returned as it is.
    private static string DecodeText(string wire)
    {
        var buffer = new byte[wire.Length];
        return Convert.TryFromBase64String(wire, buffer, out var length)
            ? Encoding.UTF8.GetString(buffer, 0, length)
            : wire;
    }

    private static QueueStatus ExpectedFailure(Response response)
    {
        var code = StorageErrorParser.ErrorCode(response);
        return (response.Status, code) switch
        {
            (404, not "QueueNotFound") => QueueStatus.NotFound,
            (400, "PopReceiptMismatch") => QueueStatus.NotFound,
            _ => throw StorageErrorParser.Failure(response),
        };
    }

    private static string Seconds(TimeSpan value, TimeSpan min, string paramName)
    {
        if (value < min || value > MaxVisibilityTimeout)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Must be between {min} and {MaxVisibilityTimeout}.");
        }

        return ((long)Math.Ceiling(value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    private static IEnumerable<XElement> ParseList(Response response)
    {
        var root = XDocument.Parse(response.Content.ToString()).Root;
        return root?.Elements("QueueMessage") ?? [];
    }

    private static string Required(XElement element, string name) =>
        element.Element(name)?.Value
            ?? throw new RequestFailedException($"The queue service's message has no {name}.");

    private static DateTimeOffset Date(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static void SetXmlBody(Request request, XElement body)
    {
        request.Headers.SetValue(HttpHeader.Names.ContentType, "application/xml; charset=utf-8");
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToString(SaveOptions.DisableFormatting)));
    }

    private HttpMessage MessageRequest(RequestMethod method, string messageId, string popReceipt)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        var message = CreateMessage(method, "/" + Name + "/messages/" + Uri.EscapeDataString(messageId));
        message.Request.Uri.AppendQuery("popreceipt", popReceipt, escapeValue: true);
        return message;
    }

    private HttpMessage CreateMessage(RequestMethod method, string path)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(Endpoint);
        message.Request.Uri.AppendPath(path, escape: false);
        return message;
    }

    private async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return message.Response;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex QueueNamePattern();
}
