using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ScenarioEngine.Channels;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>The answer to a SendGrid Event Webhook post.</summary>
/// <param name="Received">Events in the post.</param>
/// <param name="Accepted">Events mapped to customer events and queued.</param>
/// <param name="Ignored">Events the engine does not track (processed, deferred) or that name no customer.</param>
public sealed record WebhookReceipt(int Received, int Accepted, int Ignored);

/// <summary>The verifiers of inbound provider webhooks; null where the provider is not configured.</summary>
public sealed record WebhookVerifiers(SendGridEventWebhook? SendGrid);

/// <summary>Inbound provider webhooks (authenticated by the provider's signature, not by API keys).</summary>
public static class WebhooksApi
{
    private const int BodyLimit = 4 << 20;

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapWebhooksEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/webhooks/sendgrid", SendGridAsync).WithName("SendGridWebhook").AllowAnonymousKey().WithTags("Webhooks")
            .WithSummary("SendGrid Event Webhook (signed): delivery, open, click, bounce, spam report and unsubscribe events become customer events.");
        return app;
    }

    /// <summary>
    /// Verifies the signature over the raw body, keeps each processed, delivered, bounce or dropped event that carries a send's key
    /// (outbox_id) and customer_id as that send's confirmation (which settles a send whose outcome the engine does not know), maps each
    /// event to a customer event (type email.*, id "sg-" + sg_event_id so a repeated post is applied once) and queues them. Events
    /// without a customer_id custom arg are counted as ignored.
    /// </summary>
    public static async Task<Results<Ok<WebhookReceipt>, ProblemHttpResult>> SendGridAsync(
        HttpRequest request, JourneyEngine engine, ISendConfirmations confirmations, WebhookVerifiers verifiers, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(WebhooksApi));
        if (verifiers.SendGrid is not { } verifier)
        {
            return Problems.NotFound("The SendGrid event webhook is not configured (SendGrid:WebhookPublicKey is empty).");
        }

        var body = await RequestBody.ReadAsync(request, BodyLimit, cancellationToken).ConfigureAwait(false);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var status = verifier.Verify(request.Headers[SendGridEventWebhook.SignatureHeader], request.Headers[SendGridEventWebhook.TimestampHeader], body.Bytes);
        if (status != WebhookSignatureStatus.Valid)
        {
            Log.SendGridWebhookRefused(logger, status.ToString());
            return Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized", $"The SendGrid signature is {status.ToString().ToLowerInvariant()}.");
        }

        IReadOnlyList<EmailEvent> parsed;
        try
        {
            parsed = SendGridEventWebhook.ParseEvents(body.Bytes);
        }
        catch (JsonException ex)
        {
            return Problems.Invalid("The body is not a SendGrid event array", [new ApiError("$", Problems.Describe(ex))]);
        }

        try
        {
            await ConfirmSendsAsync(parsed, confirmations, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.SendConfirmationsFailed(logger, ex);
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "The send confirmations could not be stored", "SendGrid retries the post; confirmations are kept once.");
        }

        var events = new List<CustomerEvent>();
        foreach (var e in parsed)
        {
            if (e.EngineEvent is null || !CustomerId.TryParse(e.CustomerId, out var customer, out _))
            {
                continue;
            }

            events.Add(new CustomerEvent(EventId(e), e.EngineEvent, customer.Value, e.Timestamp == default ? DateTimeOffset.UtcNow : e.Timestamp, Properties(e)));
        }

        if (events.Count > 0)
        {
            try
            {
                await engine.IngestAsync(events, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.IngestFailed(logger, events.Count, ex);
                return Problems.Status(StatusCodes.Status503ServiceUnavailable, "The events could not be queued", "SendGrid retries the post; events are applied once.");
            }
        }

        return TypedResults.Ok(new WebhookReceipt(parsed.Count, events.Count, parsed.Count - events.Count));
    }

    // SendGrid has no idempotency key: these events are what tells a send that timed out or crashed from one that never left.
    private static Task ConfirmSendsAsync(IReadOnlyList<EmailEvent> parsed, ISendConfirmations confirmations, CancellationToken cancellationToken)
    {
        var confirming = parsed
            .Where(e => SendConfirmation.Confirms(e.SendGridEvent) && !string.IsNullOrWhiteSpace(e.OutboxId) && CustomerId.TryParse(e.CustomerId, out _, out _))
            .Select(e => new SendConfirmation(e.CustomerId!, e.OutboxId!, "SendGrid", e.SendGridEvent, e.Timestamp == default ? DateTimeOffset.UtcNow : e.Timestamp))
            .ToList();
        return Parallel.ForEachAsync(confirming, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (confirmation, token) => await confirmations.ConfirmAsync(confirmation, token).ConfigureAwait(false));
    }

    private static string EventId(EmailEvent e)
    {
        if (e.SgEventId is { Length: > 0 } id)
        {
            return "sg-" + id;
        }

        // No sg_event_id (older webhooks): derive a stable id from what identifies the event.
        var key = $"{e.SgMessageId}|{e.SendGridEvent}|{e.Timestamp.ToUnixTimeSeconds()}|{e.Url}";
        return "sg-h" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..32];
    }

    private static Dictionary<string, Value> Properties(EmailEvent e)
    {
        var p = new Dictionary<string, Value>(StringComparer.Ordinal) { ["sendGridEvent"] = Value.From(e.SendGridEvent) };
        void Put(string name, string? value)
        {
            if (value is not null)
            {
                p[name] = Value.From(value);
            }
        }

        Put("outboxKey", e.OutboxId);
        Put("journeyId", e.CustomArgs.GetValueOrDefault("journey_id"));
        Put("stepId", e.CustomArgs.GetValueOrDefault("step_id"));
        Put("sgMessageId", e.SgMessageId);
        Put("reason", e.Reason);
        Put("bounceType", e.BounceType);
        Put("url", e.Url);
        if (e.AsmGroupId is { } group)
        {
            p["asmGroupId"] = Value.From(group);
        }

        return p;
    }
}
