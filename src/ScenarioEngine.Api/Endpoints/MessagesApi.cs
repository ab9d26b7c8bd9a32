using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ScenarioEngine.Api.Audit;
using ScenarioEngine.Channels;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Api.Catalog;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;

using ScenarioEngine.Api.Requests;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>A saved message.</summary>
public sealed record MessageSaved(string Id, IReadOnlyList<string> Media, DateTimeOffset SavedAt);

/// <summary>A message with its document.</summary>
public sealed record MessageDetail(string Id, JsonElement Document, DateTimeOffset SavedAt);

/// <summary>A rendered medium of a preview, with the placeholders this customer's data does not fill.</summary>
public sealed record PreviewMedium(string Medium, IReadOnlyDictionary<string, string> Content, IReadOnlyList<string> Missing);

/// <summary>POST /api/messages/{id}/preview.</summary>
public sealed record PreviewView(string MessageId, string? CustomerId, IReadOnlyList<PreviewMedium> Media);

/// <summary>Message endpoints for marketers (read for GETs, write to save or preview).</summary>
public static class MessagesApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapMessagesEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/messages").WithTags("Messages");
        group.MapGet("/", ListAsync).WithName("ListMessages").RequireScope(ApiScope.Read).WithSummary("Every message.");
        group.MapGet("/{messageId}", GetAsync).WithName("GetMessage").RequireScope(ApiScope.Read).WithSummary("One message document.");
        group.MapPut("/{messageId}", PutAsync).WithName("PutMessage").RequireScope(ApiScope.Write).Audited(AuditKinds.MessageSaved, "messageId").Accepts<JsonElement>("application/json").WithSummary("Create or replace a message (validated; live at once).");
        group.MapPost("/{messageId}/preview", PreviewAsync).WithName("PreviewMessage").RequireScope(ApiScope.Write).NotAChange().Accepts<PreviewRequest>("application/json")
            .WithSummary("Render a message for a customer (?customerId=, ?medium=); body {\"event\": {...}} fills event.* and trigger.*.");
        return app;
    }

    /// <summary>The list.</summary>
    public static async Task<Ok<IReadOnlyList<MessageSummary>>> ListAsync(DefinitionStore definitions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await definitions.ListMessagesAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>One message.</summary>
    public static async Task<Results<Ok<MessageDetail>, ProblemHttpResult>> GetAsync(string messageId, DefinitionStore definitions, CancellationToken cancellationToken)
    {
        var doc = await definitions.GetMessageAsync(messageId, cancellationToken).ConfigureAwait(false);
        if (doc is null)
        {
            return Problems.NotFound($"No message '{messageId}'.");
        }

        using var json = JsonDocument.Parse(doc.Json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return TypedResults.Ok(new MessageDetail(messageId, json.RootElement.Clone(), doc.SavedAt));
    }

    /// <summary>
    /// Validates and saves a message; it is live at once (running journeys render the new text), so it is checked against every
    /// published journey version that sends it as well as on its own.
    /// </summary>
    public static async Task<Results<Ok<MessageSaved>, ProblemHttpResult>> PutAsync(
        string messageId, HttpRequest request, JourneyEngine engine, DefinitionStore definitions, PublishChecks checks, CancellationToken cancellationToken)
    {
        if (!DocumentId.IsValid(messageId))
        {
            return Problems.Invalid("The message id is invalid", [new ApiError("messageId", "expected letters, digits, '-', '_' or '.', starting with a letter or digit")]);
        }

        var body = await RequestBody.ReadTextAsync(request, RequestBody.DefaultLimit, cancellationToken).ConfigureAwait(false);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var json = body.Text!;
        var parsed = MessageParser.Parse(json);
        var errors = parsed.Errors.ToList();
        if (parsed.Value is { } message)
        {
            if (message.Id != messageId)
            {
                errors.Add(new ValidationError("$.id", $"the document's id '{message.Id}' differs from the id in the URL '{messageId}'"));
            }

            errors.AddRange(checks.CheckMessage(message));
            await definitions.ReloadAsync(cancellationToken).ConfigureAwait(false);
            var catalog = engine.Catalog;
            var versions = catalog.List().SelectMany(j => j.Versions.Select(v => catalog.Find(j.Id, v))).OfType<Journey>();
            errors.AddRange(checks.CheckSenders(message, versions));
        }

        if (errors.Count > 0 || parsed.Value is null)
        {
            return Problems.Invalid("The message is invalid", errors, $"{errors.Count} problem(s); the message was not saved.");
        }

        var saved = await definitions.PutMessageAsync(messageId, json, cancellationToken).ConfigureAwait(false);
        await definitions.ReloadAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new MessageSaved(messageId, parsed.Value.Media.ToList(), saved.SavedAt));
    }

    /// <summary>Renders a message for a customer (or for empty data) in every medium it has, or one.</summary>
    public static async Task<Results<Ok<PreviewView>, ProblemHttpResult>> PreviewAsync(
        string messageId, string? customerId, string? medium, HttpRequest request, JourneyEngine engine, DefinitionStore definitions,
        IMessageRenderer renderer, TemplateRenderer templates, CancellationToken cancellationToken)
    {
        var doc = await definitions.GetMessageAsync(messageId, cancellationToken).ConfigureAwait(false);
        if (doc is null || MessageParser.Parse(doc.Json).Value is not { } message)
        {
            return Problems.NotFound($"No message '{messageId}'.");
        }

        if (medium is not null && !message.Media.Contains(medium, StringComparer.Ordinal))
        {
            return Problems.Invalid("The query is invalid", [new ApiError("medium", $"message '{messageId}' has content for {string.Join(", ", message.Media)}, not '{medium}'")]);
        }

        var (body, problem) = await RequestBody.ReadAsync(request, ApiJsonContext.Default.PreviewRequest, RequestBody.DefaultLimit, cancellationToken, allowEmpty: true).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body?.Validate() is { Count: > 0 } errors)
        {
            return Problems.Invalid("The preview request is invalid", errors);
        }

        var trigger = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var (name, value) in body?.Event ?? [])
        {
            if (value.ValueKind == JsonValueKind.Object)
            {
                Flatten(value, name + ".", trigger);
            }
            else
            {
                trigger[name] = Value.FromJson(value);
            }
        }

        CustomerProfile profile;
        if (customerId is null)
        {
            profile = new CustomerProfile("(preview)");
        }
        else
        {
            if (!CustomerId.TryParse(customerId, out var id, out var why))
            {
                return Problems.Invalid("The customer id is invalid", [new ApiError("customerId", why)]);
            }

            var snapshot = await engine.GetCustomerAsync(id.Value, cancellationToken).ConfigureAwait(false);
            if (snapshot is null)
            {
                return Problems.NotFound($"No customer '{id}'.");
            }

            profile = snapshot.Profile;
        }

        var data = TemplateData.For(profile, trigger);
        var available = TemplateRenderer.PathsOf(data);
        var media = new List<PreviewMedium>();
        foreach (var m in message.Media.Where(m => medium is null || m == medium))
        {
            var content = renderer.Render(message, m, data);
            var missing = message.Templates().Where(t => t.Path.StartsWith("$." + m + ".", StringComparison.Ordinal))
                .SelectMany(t => templates.FindMissingPlaceholders(t.Template, available)).Distinct(StringComparer.Ordinal).ToList();
            media.Add(new PreviewMedium(m, content, missing));
        }

        return TypedResults.Ok(new PreviewView(messageId, customerId, media));
    }

    private static void Flatten(JsonElement obj, string prefix, Dictionary<string, Value> into)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Object)
            {
                Flatten(p.Value, prefix + p.Name + ".", into);
            }
            else
            {
                into[prefix + p.Name] = Value.FromJson(p.Value);
            }
        }
    }
}
