using ScenarioEngine.Journeys.Ports;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Runtime.Sending;

/// <summary>A rendered message on its way to a channel.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Medium">email, line, webhook or postcard.</param>
/// <param name="MessageId">The message document id.</param>
/// <param name="IdempotencyKey">Stable across retries: channels pass it to providers that de-duplicate (LINE X-Line-Retry-Key).</param>
/// <param name="JourneyId">The journey.</param>
/// <param name="StepId">The step.</param>
/// <param name="Content">Rendered fields (subject, html, text, payload, postcard fields).</param>
/// <param name="Profile">The customer's profile (addresses, LINE user id).</param>
public sealed record OutboundMessage(string CustomerId, string Medium, string MessageId, string IdempotencyKey, string JourneyId, string StepId,
    IReadOnlyDictionary<string, string> Content, CustomerProfile Profile);

/// <summary>What a channel did with a message.</summary>
public abstract record DeliveryResult;

/// <summary>Accepted by the provider.</summary>
public sealed record Delivered(string? ProviderId) : DeliveryResult;

/// <summary>Not accepted now; try again after a delay (rate limit, provider outage).</summary>
public sealed record RetryLater(TimeSpan After, string Reason) : DeliveryResult
{
    /// <summary>True when the provider throttled the send (HTTP 429, with its own reset time); false for an outage (5xx, timeout, network error).</summary>
    public bool Throttled { get; init; }
}

/// <summary>
/// The request may have reached the provider and no answer came (a timeout, a connection broken after sending): whether it was
/// accepted is unknown, so the send is settled by what a repeat does at the provider (<see cref="IChannel.RepeatSafety"/>), never
/// simply repeated.
/// </summary>
/// <param name="Reason">What happened ("SendGrid did not answer within 10 s").</param>
public sealed record Unanswered(string Reason) : DeliveryResult;

/// <summary>Rejected for good (bad address, bad request).</summary>
public sealed record Rejected(string Reason) : DeliveryResult
{
    /// <summary>The provider's HTTP status when it refused the request (401 and 403 refuse the credentials, not the message); null otherwise.</summary>
    public int? StatusCode { get; init; }
}

/// <summary>A channel: sends a rendered message by one medium.</summary>
public interface IChannel
{
    /// <summary>The medium it serves.</summary>
    string Medium { get; }

    /// <summary>Sends one message.</summary>
    Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether a send whose outcome is unknown may be repeated with the same idempotency key: yes (the default) for a provider that
    /// de-duplicates by the key or a channel keyed by send; a provider without one says so.
    /// </summary>
    RepeatSafety RepeatSafety => RepeatSafety.SameKey;
}

/// <summary>Renders a message document's content for one medium over a customer's data.</summary>
public interface IMessageRenderer
{
    /// <summary>Renders the fields of the medium's content.</summary>
    IReadOnlyDictionary<string, string> Render(MessageDocument message, string medium, IReadOnlyDictionary<string, object?> data);

    /// <summary>
    /// Whether <see cref="Render"/> reads its data. The customer's data (<see cref="TemplateData.For"/>) is built for each message
    /// sent, so a renderer that does not read it (<see cref="VerbatimRenderer"/>) is given an empty one instead.
    /// </summary>
    bool ReadsData => true;
}

/// <summary>Leaves templates as written: for tests that look at routing, not wording.</summary>
public sealed class VerbatimRenderer : IMessageRenderer
{
    // A message's content is the same for every customer: worked out once per message and medium, and the one read-only copy handed
    // to every send (a simulation keeps each send's content).
    private readonly ConditionalWeakTable<MessageDocument, ConcurrentDictionary<string, IReadOnlyDictionary<string, string>>> _contents = new();

    /// <inheritdoc />
    public bool ReadsData => false;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Render(MessageDocument message, string medium, IReadOnlyDictionary<string, object?> data)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(medium);
        return _contents.GetOrCreateValue(message).GetOrAdd(medium, static (medium, message) => message.Templates()
            .Where(t => t.Path.StartsWith("$." + medium + ".", StringComparison.Ordinal))
            .ToDictionary(t => t.Path[(medium.Length + 3)..], t => t.Template, StringComparer.Ordinal)
            .AsReadOnly(), message);
    }
}

/// <summary>
/// The default channel when no provider is configured: records each message (and the time line keeps it too). With
/// <paramref name="onSent"/>, each message is handed to it instead of kept: the caller keeps what it needs (a message holds the
/// customer's whole profile, which a simulation of many sends would otherwise keep alive twice).
/// </summary>
/// <param name="medium">The medium it records.</param>
/// <param name="onSent">Called with each message instead of keeping it (the simulator stamps it with virtual time); null keeps them in <see cref="Sent"/>.</param>
public sealed class RecordingChannel(string medium, Action<OutboundMessage>? onSent = null) : IChannel
{
    private readonly ConcurrentQueue<OutboundMessage> _sent = new();

    /// <inheritdoc />
    public string Medium { get; } = medium;

    /// <summary>Everything sent, in order (empty when the messages go to the callback given).</summary>
    public IReadOnlyCollection<OutboundMessage> Sent => _sent;

    /// <inheritdoc />
    public Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (onSent is null)
        {
            _sent.Enqueue(message);
        }
        else
        {
            onSent(message);
        }

        return Task.FromResult<DeliveryResult>(new Delivered("rec-" + message.IdempotencyKey));
    }
}

/// <summary>Builds the data a template sees: profile attributes, computed values, the trigger and consent.</summary>
public static class TemplateData
{
    /// <summary>Builds nested dictionaries: profile.*, rfm.*, trigger.*, etc.</summary>
    public static IReadOnlyDictionary<string, object?> For(CustomerProfile profile, IReadOnlyDictionary<string, Value> trigger)
    {
        // Built for every message sent, so by hand: no LINQ, no key splitting unless a key has a dot.
        var attributes = new Dictionary<string, object?>(profile.Attributes.Count + 1, StringComparer.Ordinal);
        foreach (var (key, value) in profile.Attributes)
        {
            Put(attributes, key, value);
        }

        Put(attributes, "customerId", Value.From(profile.CustomerId));
        var triggerData = new Dictionary<string, object?>(trigger.Count, StringComparer.Ordinal);
        foreach (var (key, value) in trigger)
        {
            Put(triggerData, key, value);
        }

        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["profile"] = attributes, ["trigger"] = triggerData, ["event"] = triggerData };

        // Computed values by namespace (rfm.segment -> rfm: { segment }); a namespace replaces a root of the same name.
        Dictionary<string, object?>? bare = null;
        foreach (var (key, value) in profile.Computed)
        {
            var dot = key.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                (bare ??= new Dictionary<string, object?>(StringComparer.Ordinal))[key] = value.ToObject();
                continue;
            }

            var ns = key[..dot];
            if (data.GetValueOrDefault(ns) is not Dictionary<string, object?> group || ReferenceEquals(group, attributes) || ReferenceEquals(group, triggerData))
            {
                group = new Dictionary<string, object?>(StringComparer.Ordinal);
                data[ns] = group;
            }

            Put(group, key[(dot + 1)..], value);
        }

        // A computed value without a namespace (none today) is still visible to templates, under its own name.
        foreach (var (key, value) in bare ?? [])
        {
            data.TryAdd(key, value);
        }

        return data;
    }

    /// <summary>Puts a value at a dotted path (a.b.c), making the dictionaries on the way.</summary>
    private static void Put(Dictionary<string, object?> root, string key, Value value)
    {
        var node = root;
        var start = 0;
        for (var dot = key.IndexOf('.', StringComparison.Ordinal); dot >= 0; start = dot + 1, dot = key.IndexOf('.', start))
        {
            var part = key[start..dot];
            if (node.GetValueOrDefault(part) is not Dictionary<string, object?> child)
            {
                child = new Dictionary<string, object?>(StringComparer.Ordinal);
                node[part] = child;
            }

            node = child;
        }

        node[start == 0 ? key : key[start..]] = value.ToObject();
    }
}
