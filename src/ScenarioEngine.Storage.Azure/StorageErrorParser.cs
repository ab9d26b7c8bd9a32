using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace ScenarioEngine.Storage.Azure;

/// <summary>Reads the service's error code and message from a Table (OData JSON) or Queue (XML) error response.</summary>
internal sealed class StorageErrorParser : RequestFailedDetailsParser
{
    public static StorageErrorParser Instance { get; } = new();

    public static string? ErrorCode(Response response) =>
        Instance.TryParse(response, out var error, out _) ? error?.Code : null;

    public static RequestFailedException Failure(Response response) => new(response, null, Instance);

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        data = null;
        error = null;
        string? code = null;
        string? message = null;
        var body = response.Content;
        if (body is not null && body.ToMemory().Length > 0)
        {
            var text = body.ToString().TrimStart();
            if (text.StartsWith('{'))
            {
                (code, message) = FromJson(text);
            }
            else if (text.StartsWith('<'))
            {
                (code, message) = FromXml(text);
            }
        }

        if (code is null && response.Headers.TryGetValue("x-ms-error-code", out var headerCode))
        {
            code = headerCode;
        }

        if (code is null && message is null)
        {
            return false;
        }

        error = new ResponseError(code, message ?? code);
        return true;
    }

    internal static (string? Code, string? Message) FromJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            if (!root.TryGetProperty("odata.error", out var odataError) && !root.TryGetProperty("error", out odataError))
            {
                return (null, null);
            }

            var code = odataError.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            string? message = null;
            if (odataError.TryGetProperty("message", out var m))
            {
                message = m.ValueKind switch
                {
                    JsonValueKind.String => m.GetString(),
                    JsonValueKind.Object when m.TryGetProperty("value", out var v) => v.GetString(),
                    _ => null,
                };
            }

            return (code, message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static (string? Code, string? Message) FromXml(string text)
    {
        try
        {
            var root = XDocument.Parse(text).Root;
            return (root?.Element("Code")?.Value, root?.Element("Message")?.Value);
        }
        catch (XmlException)
        {
            return (null, null);
        }
    }
}
