using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScenarioEngine.Channels;

/// <summary>Settings of a <see cref="SendGridClient"/>.</summary>
public sealed class SendGridClientOptions
{
    /// <summary>The SendGrid API key, sent as a Bearer token.</summary>
    public required string ApiKey { get; set; }

    /// <summary>The API base address; <c>https://api.eu.sendgrid.com/</c> for EU subusers, a loopback address in tests.</summary>
    public Uri BaseAddress { get; set; } = new("https://api.sendgrid.com/");

    /// <summary>Recipients (personalizations) per Mail Send request; SendGrid's limit, 1,000, is the maximum.</summary>
    public int MaxRecipientsPerRequest { get; set; } = SendGridClient.MaxPersonalizations;
}

/// <summary>The outcome of one Mail Send request covering a contiguous slice of a message's recipients.</summary>
/// <param name="FirstRecipient">The index in <see cref="EmailMessage.Recipients"/> of the first recipient in this request.</param>
/// <param name="RecipientCount">How many recipients the request covered.</param>
/// <param name="Result">What happened to them.</param>
public sealed record EmailBatchResult(int FirstRecipient, int RecipientCount, ChannelResult Result);

/// <summary>Sends email through the SendGrid v3 Mail Send API (<c>POST /v3/mail/send</c>) over an injected <see cref="HttpClient"/>.</summary>
public sealed class SendGridClient
{
    /// <summary>SendGrid's limit of personalizations (and of recipients) in one request.</summary>
    public const int MaxPersonalizations = 1000;

    private const string MailSendPath = "v3/mail/send";

    private readonly HttpClient _httpClient;
    private readonly SendGridClientOptions _options;
    private readonly RetryPolicy _retryPolicy;
    private readonly Uri _mailSendUri;

    /// <summary>Creates a client.</summary>
    /// <param name="httpClient">The HTTP client; its default headers are not used for the API key.</param>
    /// <param name="options">API key, base address, batch size.</param>
    /// <param name="retryPolicy">Retry rules, clock and delays; defaults when null.</param>
    public SendGridClient(HttpClient httpClient, SendGridClientOptions options, RetryPolicy? retryPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ApiKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRecipientsPerRequest, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxRecipientsPerRequest, MaxPersonalizations);
        _httpClient = httpClient;
        _options = options;
        _retryPolicy = retryPolicy ?? new RetryPolicy();
        _mailSendUri = ChannelHttp.Combine(options.BaseAddress, MailSendPath);
    }

    /// <summary>Sends a message in one request; returns <see cref="ChannelResult.Sent"/> with SendGrid's <c>X-Message-Id</c>.</summary>
    /// <exception cref="ArgumentException">The message is invalid or has more recipients than one request may carry (use <see cref="SendBatchesAsync"/>).</exception>
    public Task<ChannelResult> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Validate();
        if (message.Recipients.Count > _options.MaxRecipientsPerRequest)
        {
            throw new ArgumentException(
                $"The message has {message.Recipients.Count} recipients; one request carries at most {_options.MaxRecipientsPerRequest}. Use SendBatchesAsync.",
                nameof(message));
        }

        return SendSliceAsync(message, 0, message.Recipients.Count, cancellationToken);
    }

    /// <summary>
    /// Sends a message to any number of recipients, one request per <see cref="SendGridClientOptions.MaxRecipientsPerRequest"/>
    /// recipients, and says what happened to each slice.
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
        for (var first = 0; first < message.Recipients.Count; first += _options.MaxRecipientsPerRequest)
        {
            var count = Math.Min(_options.MaxRecipientsPerRequest, message.Recipients.Count - first);
            var result = stopped is not null
                ? stopped with { Reason = $"not attempted: an earlier request was told to wait ({stopped.Reason})" }
                : await SendSliceAsync(message, first, count, cancellationToken).ConfigureAwait(false);
            stopped ??= result as ChannelResult.RetryAfter;
            results.Add(new EmailBatchResult(first, count, result));
        }

        return results;
    }

    /// <summary>Builds the Mail Send JSON body for recipients [first, first + count) of a message.</summary>
    public static JsonObject BuildRequestBody(EmailMessage message, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(message);
        var personalizations = new JsonArray();
        foreach (var recipient in message.Recipients.Skip(first).Take(count))
        {
            var personalization = new JsonObject { ["to"] = new JsonArray(Address(recipient.To)) };
            if (!string.IsNullOrWhiteSpace(recipient.Subject))
            {
                personalization["subject"] = recipient.Subject;
            }

            if (message.TemplateId is not null)
            {
                var data = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, value) in message.TemplateData ?? new Dictionary<string, object?>())
                {
                    data[key] = value;
                }

                foreach (var (key, value) in recipient.TemplateData ?? new Dictionary<string, object?>())
                {
                    data[key] = value;
                }

                if (data.Count > 0)
                {
                    personalization["dynamic_template_data"] = JsonSerializer.SerializeToNode(data);
                }
            }

            if (recipient.Substitutions is { Count: > 0 } substitutions)
            {
                personalization["substitutions"] = StringMap(substitutions);
            }

            if (recipient.CustomArgs is { Count: > 0 } customArgs)
            {
                personalization["custom_args"] = StringMap(customArgs);
            }

            personalizations.Add(personalization);
        }

        var body = new JsonObject
        {
            ["personalizations"] = personalizations,
            ["from"] = Address(message.From),
        };
        if (message.ReplyTo is not null)
        {
            body["reply_to"] = Address(message.ReplyTo);
        }

        if (!string.IsNullOrWhiteSpace(message.Subject))
        {
            body["subject"] = message.Subject;
        }

        if (message.TemplateId is not null)
        {
            body["template_id"] = message.TemplateId;
        }
        else
        {
            // SendGrid requires text/plain first when both are present.
            var content = new JsonArray();
            if (!string.IsNullOrEmpty(message.Text))
            {
                content.Add(new JsonObject { ["type"] = "text/plain", ["value"] = message.Text });
            }

            if (!string.IsNullOrEmpty(message.Html))
            {
                content.Add(new JsonObject { ["type"] = "text/html", ["value"] = message.Html });
            }

            body["content"] = content;
        }

        if (message.Categories.Count > 0)
        {
            body["categories"] = new JsonArray(message.Categories.Distinct(StringComparer.Ordinal).Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
        }

        if (message.CustomArgs is { Count: > 0 } sharedArgs)
        {
            body["custom_args"] = StringMap(sharedArgs);
        }

        if (message.AsmGroupId is { } groupId)
        {
            body["asm"] = new JsonObject { ["group_id"] = groupId };
        }

        return body;
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
        catch (JsonException)
        {
            // Not JSON: fall through and keep the raw text.
        }

        return [new ProviderError(body.Length > 500 ? body[..500] : body)];
    }

    private Task<ChannelResult> SendSliceAsync(EmailMessage message, int first, int count, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes(BuildRequestBody(message, first, count).ToJsonString());
        return _retryPolicy.ExecuteAsync(
            (_, token) => ChannelHttp.SendAttemptAsync(_httpClient, () => CreateRequest(payload), InterpretAsync, _retryPolicy, "SendGrid", token),
            cancellationToken);
    }

    private HttpRequestMessage CreateRequest(byte[] payload)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _mailSendUri)
        {
            Content = new ByteArrayContent(payload),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private async Task<ChannelAttempt> InterpretAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return new ChannelAttempt.Completed(new ChannelResult.Sent(ChannelHttp.Header(response, "X-Message-Id")));
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var errors = ParseErrors(body);
        var summary = errors.Count > 0 ? string.Join("; ", errors.Select(e => e.Field is null ? e.Message : $"{e.Field}: {e.Message}")) : response.ReasonPhrase;
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var now = _retryPolicy.TimeProvider.GetUtcNow();
            var reset = ChannelHttp.EpochSecondsHeader(response, "X-RateLimit-Reset") ?? ChannelHttp.RetryAfterHeader(response, now);
            return new ChannelAttempt.RateLimited(reset, $"SendGrid rate limit (HTTP 429): {summary}");
        }

        if (ChannelHttp.IsServerError(response.StatusCode))
        {
            return new ChannelAttempt.Transient($"SendGrid HTTP {status}: {summary}");
        }

        return new ChannelAttempt.Completed(new ChannelResult.Failed($"SendGrid rejected the message (HTTP {status}): {summary}", errors, status));
    }

    private static JsonObject Address(EmailAddress address)
    {
        var node = new JsonObject { ["email"] = address.Email };
        if (!string.IsNullOrWhiteSpace(address.Name))
        {
            node["name"] = address.Name;
        }

        return node;
    }

    private static JsonObject StringMap(IReadOnlyDictionary<string, string> values)
    {
        var node = new JsonObject();
        foreach (var (key, value) in values)
        {
            node[key] = value;
        }

        return node;
    }
}
