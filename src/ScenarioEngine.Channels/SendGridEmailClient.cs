using System.Net;
using System.Text.Json;
using JsonSerializer = System.Text.Json.JsonSerializer;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using SendGrid;
using SendGrid.Helpers.Mail;
using ScenarioEngine.Journeys.Ports;
using SdkEmailAddress = SendGrid.Helpers.Mail.EmailAddress;

namespace ScenarioEngine.Channels;

/// <summary>
/// Sends email through the SendGrid SDK (<see cref="SendGridClient"/>, Mail Send <c>POST /v3/mail/send</c>) over a
/// named <see cref="HttpClient"/> from <see cref="IHttpClientFactory"/>, with the channel retry rules around it.
/// </summary>
/// <remarks>
/// The SDK builds and sends the request; this class splits recipients into requests of at most 1,000, retries 429 and
/// 5xx by <see cref="RetryPolicy"/> (the SDK's own retry handler is not used with an injected client), and reads
/// SendGrid's error body into <see cref="ProviderError"/>s (the SDK's error handler keeps only the first error).
/// Mail Send takes no idempotency key, so a request that may have reached SendGrid without an answer (a timeout, a
/// connection broken after sending) is never repeated inside the call: it comes back as <see cref="ChannelResult.Unanswered"/>.
/// </remarks>
public sealed class SendGridEmailClient
{
    /// <summary>SendGrid's limit of personalizations (and of recipients) in one request.</summary>
    public const int MaxPersonalizations = 1000;

    /// <summary>The name of the <see cref="HttpClient"/> this client asks <see cref="IHttpClientFactory"/> for.</summary>
    public const string HttpClientName = "SendGrid";

    /// <summary>The API address used when the named client has no base address.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://api.sendgrid.com/");

    /// <summary>
    /// What a repeat of an unanswered send does at SendGrid: Mail Send has no idempotency key, so only the Event Webhook's
    /// confirmation (or its absence for the confirmation window) settles it.
    /// </summary>
    public static RepeatSafety RepeatSafety => RepeatSafety.AfterConfirmationWindow;

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly string _apiKey;
    private readonly RetryPolicy _retryPolicy;
    private readonly int _maxRecipientsPerRequest;

    /// <summary>Creates a client.</summary>
    /// <param name="httpClientFactory">Gives the <see cref="HttpClientName"/> client; its base address, if set, replaces <see cref="DefaultBaseAddress"/>.</param>
    /// <param name="options">The API key (<see cref="SendGridOptions.ApiKey"/>).</param>
    /// <param name="retryPolicy">Retry rules, clock and delays; defaults when null.</param>
    /// <param name="maxRecipientsPerRequest">Recipients (personalizations) per request, 1 to <see cref="MaxPersonalizations"/>.</param>
    public SendGridEmailClient(IHttpClientFactory httpClientFactory, SendGridOptions options, RetryPolicy? retryPolicy = null, int maxRecipientsPerRequest = MaxPersonalizations)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ApiKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecipientsPerRequest, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRecipientsPerRequest, MaxPersonalizations);
        _httpClientFactory = httpClientFactory;
        _apiKey = options.ApiKey;
        _retryPolicy = retryPolicy ?? new RetryPolicy();
        _maxRecipientsPerRequest = maxRecipientsPerRequest;
    }

    /// <summary>Sends a message in one request; returns <see cref="ChannelResult.Sent"/> with SendGrid's <c>X-Message-Id</c>.</summary>
    /// <exception cref="ArgumentException">The message is invalid or has more recipients than one request may carry (use <see cref="SendBatchesAsync"/>).</exception>
    public Task<ChannelResult> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Validate();
        if (message.Recipients.Count > _maxRecipientsPerRequest)
        {
            throw new ArgumentException(
                $"The message has {message.Recipients.Count} recipients; one request carries at most {_maxRecipientsPerRequest}. Use SendBatchesAsync.",
                nameof(message));
        }

        return SendSliceAsync(message, 0, message.Recipients.Count, cancellationToken);
    }

    /// <summary>
    /// Sends a message to any number of recipients, one request per <c>maxRecipientsPerRequest</c> recipients, and
    /// says what happened to each slice.
    /// </summary>
    /// <remarks>
    /// Once a slice is rate-limited beyond the inline wait, the remaining slices are not attempted and get the same
    /// <see cref="ChannelResult.RetryAfter"/>; a permanently failed slice does not stop the others.
    /// </remarks>
    public async Task<IReadOnlyList<EmailBatchResult>> SendBatchesAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Validate();
        var results = new List<EmailBatchResult>();
        ChannelResult.RetryAfter? stopped = null;
        for (var first = 0; first < message.Recipients.Count; first += _maxRecipientsPerRequest)
        {
            var count = Math.Min(_maxRecipientsPerRequest, message.Recipients.Count - first);
            var result = stopped is not null
                ? stopped with { Reason = $"not attempted: an earlier request was told to wait ({stopped.Reason})" }
                : await SendSliceAsync(message, first, count, cancellationToken).ConfigureAwait(false);
            stopped ??= result as ChannelResult.RetryAfter;
            results.Add(new EmailBatchResult(first, count, result));
        }

        return results;
    }

    /// <summary>Builds the SDK message for recipients [first, first + count) of a message, one personalization each.</summary>
    public static SendGridMessage BuildMessage(EmailMessage message, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mail = new SendGridMessage();
        mail.SetFrom(Address(message.From));
        if (message.ReplyTo is not null)
        {
            mail.SetReplyTo(Address(message.ReplyTo));
        }

        if (!string.IsNullOrWhiteSpace(message.Subject))
        {
            mail.SetGlobalSubject(message.Subject);
        }

        var index = 0;
        foreach (var recipient in message.Recipients.Skip(first).Take(count))
        {
            mail.AddTo(Address(recipient.To), index);
            if (!string.IsNullOrWhiteSpace(recipient.Subject))
            {
                mail.SetSubject(recipient.Subject, index);
            }

            if (message.TemplateId is not null && TemplateData(message.TemplateData, recipient.TemplateData) is { } data)
            {
                mail.SetTemplateData(data, index);
            }

            if (recipient.Substitutions is { Count: > 0 } substitutions)
            {
                mail.AddSubstitutions(new Dictionary<string, string>(substitutions, StringComparer.Ordinal), index);
            }

            if (recipient.CustomArgs is { Count: > 0 } customArgs)
            {
                mail.AddCustomArgs(new Dictionary<string, string>(customArgs, StringComparer.Ordinal), index);
            }

            index++;
        }

        if (message.TemplateId is not null)
        {
            mail.SetTemplateId(message.TemplateId);
        }
        else
        {
            // The SDK puts text/plain first, as SendGrid requires; empty parts are left out.
            mail.PlainTextContent = string.IsNullOrEmpty(message.Text) ? null : message.Text;
            mail.HtmlContent = string.IsNullOrEmpty(message.Html) ? null : message.Html;
        }

        if (message.Categories.Count > 0)
        {
            mail.AddCategories(message.Categories.Distinct(StringComparer.Ordinal).ToList());
        }

        if (message.CustomArgs is { Count: > 0 } sharedArgs)
        {
            mail.AddGlobalCustomArgs(new Dictionary<string, string>(sharedArgs, StringComparer.Ordinal));
        }

        if (message.AsmGroupId is { } groupId)
        {
            mail.SetAsm(groupId);
        }

        return mail;
    }

    /// <summary>Reads SendGrid's <c>{"errors":[{"message","field"}]}</c> body; tolerates any other body.</summary>
    public static IReadOnlyList<ProviderError> ParseErrors(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Array)
            {
                return errors.EnumerateArray()
                    .Where(e => e.ValueKind == JsonValueKind.Object)
                    .Select(e => new ProviderError(
                        e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : e.GetRawText(),
                        e.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null))
                    .ToList();
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON: fall through and keep the raw text.
        }

        return [new ProviderError(body.Length > 500 ? body[..500] : body)];
    }

    private Task<ChannelResult> SendSliceAsync(EmailMessage message, int first, int count, CancellationToken cancellationToken)
    {
        var mail = BuildMessage(message, first, count);
        var httpClient = _httpClientFactory.CreateClient(HttpClientName);
        var client = new SendGridClient(httpClient, _apiKey, ChannelHttp.BaseAddress(httpClient, DefaultBaseAddress).AbsoluteUri);
        return _retryPolicy.ExecuteAsync(
            (_, token) => ChannelHttp.AttemptAsync(
                async attemptToken => await InterpretAsync(await client.SendEmailAsync(mail, attemptToken).ConfigureAwait(false), attemptToken).ConfigureAwait(false),
                _retryPolicy,
                "SendGrid",
                RepeatSafety,
                token),
            cancellationToken);
    }

    private async Task<ChannelAttempt> InterpretAsync(Response response, CancellationToken cancellationToken)
    {
        using var content = response.Body;
        if (response.IsSuccessStatusCode)
        {
            return new ChannelAttempt.Completed(new ChannelResult.Sent(ChannelHttp.Header(response.Headers, "X-Message-Id")));
        }

        var body = content is null ? null : await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var errors = ParseErrors(body);
        var summary = errors.Count > 0 ? string.Join("; ", errors.Select(e => e.Field is null ? e.Message : $"{e.Field}: {e.Message}")) : response.StatusCode.ToString();
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var now = _retryPolicy.TimeProvider.GetUtcNow();
            var reset = ChannelHttp.EpochSecondsHeader(response.Headers, "X-RateLimit-Reset") ?? ChannelHttp.RetryAfterHeader(response.Headers, now);
            return new ChannelAttempt.RateLimited(reset, $"SendGrid rate limit (HTTP 429): {summary}");
        }

        if (ChannelHttp.IsServerError(response.StatusCode))
        {
            return new ChannelAttempt.Transient($"SendGrid HTTP {status}: {summary}");
        }

        return new ChannelAttempt.Completed(new ChannelResult.Failed($"SendGrid rejected the message (HTTP {status}): {summary}", errors, status));
    }

    private static SdkEmailAddress Address(EmailAddress address) =>
        new(address.Email, string.IsNullOrWhiteSpace(address.Name) ? null : address.Name);

    /// <summary>
    /// The message's template data with the recipient's merged over it, as a Json.NET object: the SDK serializes with
    /// Json.NET, which would write System.Text.Json values (such as those parsed from a message document) as their properties.
    /// </summary>
    private static JObject? TemplateData(IReadOnlyDictionary<string, object?>? shared, IReadOnlyDictionary<string, object?>? own)
    {
        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in shared ?? new Dictionary<string, object?>())
        {
            data[key] = value;
        }

        foreach (var (key, value) in own ?? new Dictionary<string, object?>())
        {
            data[key] = value;
        }

        if (data.Count == 0)
        {
            return null;
        }

        // Dates and decimals stay exactly as written (Json.NET would otherwise reformat date-like strings and round decimals).
        using var reader = new JsonTextReader(new StringReader(JsonSerializer.Serialize(data)))
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Decimal,
        };
        return JObject.Load(reader);
    }
}
