using System.Globalization;
using System.Text;
using System.Text.Json;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Channels;

/// <summary>
/// Renders a message document for one medium with <see cref="TemplateRenderer"/>: email HTML is HTML-escaped, every
/// other field (subject, text, LINE, webhook strings, postcard fields) is written as it is.
/// </summary>
/// <remarks>
/// The content keys match <see cref="VerbatimRenderer"/>: <c>subject</c>, <c>html</c>, <c>text</c> (email), <c>text</c> (LINE),
/// <c>payload</c> (webhook JSON), <c>fields.&lt;name&gt;</c> (postcard). Email settings that are not templates
/// (<c>from</c>, <c>replyTo</c>, <c>templateId</c>, <c>unsubscribeGroup</c>) are passed through, and with a SendGrid dynamic
/// template the data goes along as JSON under <c>templateData</c>.
/// </remarks>
public sealed class HandlebarsMessageRenderer : IMessageRenderer
{
    private readonly TemplateRenderer _templates;

    /// <summary>Creates a renderer over a shared template cache.</summary>
    public HandlebarsMessageRenderer(TemplateRenderer templates)
    {
        ArgumentNullException.ThrowIfNull(templates);
        _templates = templates;
    }

    /// <inheritdoc />
    /// <exception cref="TemplateSyntaxException">A template does not parse (publishing checks this first).</exception>
    public IReadOnlyDictionary<string, string> Render(MessageDocument message, string medium, IReadOnlyDictionary<string, object?> data)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(data);
        var content = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (medium)
        {
            case Medium.Email when message.Email is { } email:
                Put(content, "subject", email.Subject, data, TemplateKind.Text);
                Put(content, "html", email.Html, data, TemplateKind.Html);
                Put(content, "text", email.Text, data, TemplateKind.Text);
                PutVerbatim(content, "from", email.From);
                PutVerbatim(content, "replyTo", email.ReplyTo);
                PutVerbatim(content, "templateId", email.TemplateId);
                PutVerbatim(content, "unsubscribeGroup", email.UnsubscribeGroup?.ToString(CultureInfo.InvariantCulture));
                if (email.TemplateId is not null)
                {
                    content["templateData"] = JsonSerializer.Serialize(data);
                }

                break;

            case Medium.Line when message.Line is { } line:
                content["text"] = _templates.Render(line.Text, data, TemplateKind.Text);
                break;

            case Medium.Webhook when message.Webhook is { } webhook:
                content["payload"] = RenderJson(webhook.Payload, data);
                break;

            case Medium.Postcard when message.Postcard is { } postcard:
                foreach (var (name, template) in postcard.Fields)
                {
                    content["fields." + name] = _templates.Render(template, data, TemplateKind.Text);
                }

                break;
        }

        return content;
    }

    private void Put(Dictionary<string, string> content, string key, string? template, IReadOnlyDictionary<string, object?> data, TemplateKind kind)
    {
        if (template is not null)
        {
            content[key] = _templates.Render(template, data, kind);
        }
    }

    private static void PutVerbatim(Dictionary<string, string> content, string key, string? value)
    {
        if (value is not null)
        {
            content[key] = value;
        }
    }

    /// <summary>Renders every string in a JSON payload (keys and values), writing valid JSON whatever the data holds.</summary>
    private string RenderJson(JsonElement payload, IReadOnlyDictionary<string, object?> data)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, payload, data);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void Write(Utf8JsonWriter writer, JsonElement element, IReadOnlyDictionary<string, object?> data)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(_templates.Render(property.Name, data, TemplateKind.Text));
                    Write(writer, property.Value, data);
                }

                writer.WriteEndObject();
                break;

            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, data);
                }

                writer.WriteEndArray();
                break;

            case JsonValueKind.String:
                writer.WriteStringValue(_templates.Render(element.GetString()!, data, TemplateKind.Text));
                break;

            default:
                element.WriteTo(writer);
                break;
        }
    }
}
