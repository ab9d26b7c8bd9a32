using System.Text.Json.Nodes;

namespace ScenarioEngine.Channels.Tests;

/// <summary>
/// What the providers document for the requests we send; each check returns the violations it found so a
/// failing test names them.
/// </summary>
public static class ApiContracts
{
    /// <summary>SendGrid v3 Mail Send: POST /v3/mail/send, Bearer key, JSON body as in the API reference.</summary>
    public static List<string> SendGridMailSend(RecordedRequest request, string apiKey)
    {
        var problems = new List<string>();
        Check(problems, request.Method == "POST", $"method {request.Method}, expected POST");
        Check(problems, request.Path == "/v3/mail/send", $"path {request.Path}");
        Check(problems, request.Header("Authorization") == $"Bearer {apiKey}", "Authorization is not 'Bearer <api key>'");
        Check(problems, request.Header("Content-Type")?.StartsWith("application/json", StringComparison.Ordinal) == true, "Content-Type is not application/json");
        if (JsonNode.Parse(request.BodyText) is not JsonObject body)
        {
            problems.Add("body is not a JSON object");
            return problems;
        }

        var templateId = body["template_id"]?.GetValue<string>();
        if (body["personalizations"] is not JsonArray personalizations || personalizations.Count is < 1 or > 1000)
        {
            problems.Add("personalizations must be an array of 1 to 1000");
        }
        else
        {
            var emails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var recipients = 0;
            foreach (var p in personalizations.OfType<JsonObject>())
            {
                if (p["to"] is not JsonArray to || to.Count == 0)
                {
                    problems.Add("each personalization needs a non-empty 'to'");
                    continue;
                }

                foreach (var address in to)
                {
                    recipients++;
                    var email = address?["email"]?.GetValue<string>();
                    Check(problems, !string.IsNullOrEmpty(email), "a recipient has no email");
                    Check(problems, email is null || emails.Add(email), $"{email} appears twice");
                }

                Check(problems, p["custom_args"] is null or JsonObject, "custom_args must be an object");
                if (p["custom_args"] is JsonObject args)
                {
                    Check(problems, args.All(a => a.Value?.GetValueKind() == System.Text.Json.JsonValueKind.String), "custom_args values must be strings");
                }

                Check(problems, templateId is not null || p["dynamic_template_data"] is null, "dynamic_template_data without template_id");
                Check(problems, templateId is null || p["substitutions"] is null, "substitutions with a dynamic template");
                Check(problems, templateId is not null || body["subject"] is not null || p["subject"] is not null, "no subject");
            }

            Check(problems, recipients <= 1000, $"{recipients} recipients in one request");
        }

        Check(problems, body["from"]?["email"] is not null, "from.email missing");
        if (templateId is null)
        {
            if (body["content"] is not JsonArray content || content.Count == 0)
            {
                problems.Add("content is required without template_id");
            }
            else
            {
                var types = content.Select(c => c?["type"]?.GetValue<string>()).ToList();
                Check(problems, content.All(c => c?["value"] is not null), "every content entry needs a value");
                Check(problems, !types.Contains("text/plain") || types[0] == "text/plain", "text/plain must come first");
            }
        }

        if (body["categories"] is JsonArray categories)
        {
            Check(problems, categories.Count <= 10, "more than 10 categories");
        }

        if (body["asm"] is JsonObject asm)
        {
            Check(problems, asm["group_id"]?.GetValueKind() == System.Text.Json.JsonValueKind.Number, "asm.group_id must be an integer");
        }

        return problems;
    }

    /// <summary>LINE Messaging API push: POST /v2/bot/message/push, Bearer token, retry key UUID, {to, messages[1..5]}.</summary>
    public static List<string> LinePush(RecordedRequest request, string token)
    {
        var problems = new List<string>();
        Check(problems, request.Method == "POST", $"method {request.Method}");
        Check(problems, request.Path == "/v2/bot/message/push", $"path {request.Path}");
        Check(problems, request.Header("Authorization") == $"Bearer {token}", "Authorization is not 'Bearer <channel access token>'");
        Check(problems, request.Header("Content-Type")?.StartsWith("application/json", StringComparison.Ordinal) == true, "Content-Type is not application/json");
        var retryKey = request.Header("X-Line-Retry-Key");
        Check(problems, retryKey is not null && Guid.TryParseExact(retryKey, "D", out _) && retryKey == retryKey.ToLowerInvariant(), "X-Line-Retry-Key is not a hex UUID");
        var body = request.Json;
        Check(problems, body["to"]?.GetValueKind() == System.Text.Json.JsonValueKind.String, "'to' must be a string");
        if (body["messages"] is not JsonArray messages || messages.Count is < 1 or > 5)
        {
            problems.Add("messages must be an array of 1 to 5");
        }
        else
        {
            Check(problems, messages.All(m => m?["type"] is not null), "every message needs a type");
        }

        return problems;
    }

    private static void Check(List<string> problems, bool ok, string problem)
    {
        if (!ok)
        {
            problems.Add(problem);
        }
    }
}
