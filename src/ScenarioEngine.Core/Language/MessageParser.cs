using System.Text.Json;

namespace ScenarioEngine.Core.Language;

/// <summary>Parses message documents, reporting every problem with its JSON path.</summary>
public static class MessageParser
{
    /// <summary>Parses one message document.</summary>
    public static ParseResult<MessageDocument> Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            return new ParseResult<MessageDocument>(null, [new ValidationError("$", $"not valid JSON: {ex.Message}")]);
        }

        using (doc)
        {
            return Parse(doc.RootElement);
        }
    }

    /// <summary>Parses one message document from a JSON element.</summary>
    public static ParseResult<MessageDocument> Parse(JsonElement root)
    {
        if (JsonUnicode.FindLoneSurrogate(root) is { } unreadable)
        {
            return new ParseResult<MessageDocument>(null, [unreadable]);
        }

        var w = new JsonWalker();
        if (!w.IsObject(root, "$", "a message document"))
        {
            return new ParseResult<MessageDocument>(null, w.Errors);
        }

        w.OnlyKnown(root, "$", "$schema", "id", "name", "email", "line", "webhook", "postcard");
        var id = w.Id(root, "$", "id", required: true);
        var name = w.String(root, "$", "name", required: false);

        EmailContent? email = null;
        if (root.TryGetProperty("email", out var e) && w.IsObject(e, "$.email", "email content"))
        {
            w.OnlyKnown(e, "$.email", "subject", "html", "text", "templateId", "from", "replyTo", "unsubscribeGroup");
            var templateId = w.String(e, "$.email", "templateId", required: false, "a SendGrid dynamic template id such as d-0123...");
            var subject = w.String(e, "$.email", "subject", required: templateId is null);
            var html = w.String(e, "$.email", "html", required: false);
            var text = w.String(e, "$.email", "text", required: false);
            if (templateId is null && html is null && text is null)
            {
                w.Error("$.email", "email content needs \"html\" or \"text\" (or a SendGrid \"templateId\")");
            }

            var group = w.Number(e, "$.email", "unsubscribeGroup", required: false, 1, int.MaxValue);
            email = new EmailContent(subject, html, text, templateId, w.String(e, "$.email", "from", false), w.String(e, "$.email", "replyTo", false), (int?)group);
        }

        LineContent? line = null;
        if (root.TryGetProperty("line", out var l) && w.IsObject(l, "$.line", "LINE content"))
        {
            w.OnlyKnown(l, "$.line", "text");
            var text = w.String(l, "$.line", "text", required: true);
            if (text is { Length: > 5000 })
            {
                w.Error("$.line.text", "a LINE text message holds at most 5000 characters");
            }

            line = text is null ? null : new LineContent(text);
        }

        WebhookContent? webhook = null;
        if (root.TryGetProperty("webhook", out var h) && w.IsObject(h, "$.webhook", "webhook content"))
        {
            w.OnlyKnown(h, "$.webhook", "payload");
            if (!h.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object)
            {
                w.Error("$.webhook.payload", "is required: expected a JSON object (strings in it may hold {{placeholders}})");
            }
            else
            {
                webhook = new WebhookContent(payload.Clone());
            }
        }

        PostcardContent? postcard = null;
        if (root.TryGetProperty("postcard", out var p) && w.IsObject(p, "$.postcard", "postcard content"))
        {
            w.OnlyKnown(p, "$.postcard", "fields");
            if (!p.TryGetProperty("fields", out var fields) || fields.ValueKind != JsonValueKind.Object || !fields.EnumerateObject().Any())
            {
                w.Error("$.postcard.fields", "is required: expected an object of field name to text");
            }
            else
            {
                var map = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var f in fields.EnumerateObject())
                {
                    if (f.Value.ValueKind != JsonValueKind.String)
                    {
                        w.Error(JsonWalker.Child("$.postcard.fields", f.Name), $"expected a string, found {JsonWalker.Describe(f.Value)}");
                        continue;
                    }

                    map[f.Name] = f.Value.GetString()!;
                }

                postcard = new PostcardContent(map);
            }
        }

        if (!root.TryGetProperty("email", out _) && !root.TryGetProperty("line", out _) && !root.TryGetProperty("webhook", out _) && !root.TryGetProperty("postcard", out _))
        {
            w.Error("$", "a message needs content for at least one medium: email, line, webhook or postcard");
        }

        if (w.Errors.Count > 0 || id is null)
        {
            return new ParseResult<MessageDocument>(null, w.Errors);
        }

        return new ParseResult<MessageDocument>(new MessageDocument { Id = id, Name = name, Email = email, Line = line, Webhook = webhook, Postcard = postcard }, w.Errors);
    }
}
