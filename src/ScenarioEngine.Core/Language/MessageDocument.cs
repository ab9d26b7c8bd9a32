using System.Text.Json;

namespace ScenarioEngine.Core.Language;

/// <summary>A message: its content per medium, with Handlebars placeholders over profile, event and computed values.</summary>
public sealed record MessageDocument
{
    /// <summary>The message id that send steps refer to.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public string? Name { get; init; }

    /// <summary>Email content, if the message can go by email.</summary>
    public EmailContent? Email { get; init; }

    /// <summary>LINE content.</summary>
    public LineContent? Line { get; init; }

    /// <summary>Webhook payload.</summary>
    public WebhookContent? Webhook { get; init; }

    /// <summary>Postcard fields.</summary>
    public PostcardContent? Postcard { get; init; }

    /// <summary>The media this message has content for.</summary>
    public IEnumerable<string> Media
    {
        get
        {
            if (Email is not null) { yield return Medium.Email; }
            if (Line is not null) { yield return Medium.Line; }
            if (Webhook is not null) { yield return Medium.Webhook; }
            if (Postcard is not null) { yield return Medium.Postcard; }
        }
    }

    /// <summary>Every template text in the message, with its JSON path (for placeholder checks).</summary>
    public IEnumerable<(string Path, string Template)> Templates()
    {
        if (Email is not null)
        {
            if (Email.Subject is not null) { yield return ("$.email.subject", Email.Subject); }
            if (Email.Html is not null) { yield return ("$.email.html", Email.Html); }
            if (Email.Text is not null) { yield return ("$.email.text", Email.Text); }
        }

        if (Line is not null) { yield return ("$.line.text", Line.Text); }
        if (Webhook is not null) { yield return ("$.webhook.payload", Webhook.Payload.GetRawText()); }
        if (Postcard is not null)
        {
            foreach (var (k, v) in Postcard.Fields)
            {
                yield return ($"$.postcard.fields.{k}", v);
            }
        }
    }
}

/// <summary>The media a send step can use.</summary>
public static class Medium
{
    /// <summary>Email (SendGrid).</summary>
    public const string Email = "email";
    /// <summary>LINE Messaging API.</summary>
    public const string Line = "line";
    /// <summary>A signed HTTP POST to a configured URL.</summary>
    public const string Webhook = "webhook";
    /// <summary>Direct mail, exported in daily CSV batches.</summary>
    public const string Postcard = "postcard";

    /// <summary>All media.</summary>
    public static readonly IReadOnlyList<string> All = [Email, Line, Webhook, Postcard];
}

/// <summary>Email content: subject, HTML and text, or a SendGrid dynamic template id.</summary>
public sealed record EmailContent(string? Subject, string? Html, string? Text, string? TemplateId, string? From, string? ReplyTo, int? UnsubscribeGroup);

/// <summary>LINE content: a text message.</summary>
public sealed record LineContent(string Text);

/// <summary>Webhook content: a JSON payload whose strings may hold placeholders.</summary>
public sealed record WebhookContent(JsonElement Payload);

/// <summary>Postcard content: named fields printed on the card.</summary>
public sealed record PostcardContent(IReadOnlyDictionary<string, string> Fields);
