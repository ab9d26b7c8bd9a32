using System.Globalization;
using System.Text;
using Azure;

namespace ScenarioEngine.Storage.Azure;

/// <summary>Writes the multipart/mixed body of an entity-group transaction and reads the service's multipart answer.</summary>
internal static class TableBatchFormat
{
    public sealed record SubResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

    public static string Write(string batchBoundary, string changesetBoundary, string tableUrl, IReadOnlyList<TableTransactionAction> actions)
    {
        var builder = new StringBuilder();
        builder.Append("--").Append(batchBoundary).Append("\r\n");
        builder.Append("Content-Type: multipart/mixed; boundary=").Append(changesetBoundary).Append("\r\n\r\n");
        foreach (var action in actions)
        {
            builder.Append("--").Append(changesetBoundary).Append("\r\n");
            builder.Append("Content-Type: application/http\r\n");
            builder.Append("Content-Transfer-Encoding: binary\r\n\r\n");

            var (method, url) = action.ActionType switch
            {
                TableTransactionActionType.Insert => ("POST", tableUrl),
                TableTransactionActionType.Delete => ("DELETE", EntityUrl(tableUrl, action)),
                _ => (action.Mode == TableUpdateMode.Merge ? "MERGE" : "PUT", EntityUrl(tableUrl, action)),
            };
            builder.Append(method).Append(' ').Append(url).Append(" HTTP/1.1\r\n");
            builder.Append("Accept: application/json;odata=minimalmetadata\r\n");
            builder.Append("DataServiceVersion: 3.0\r\n");
            if (action.ActionType == TableTransactionActionType.Insert)
            {
                builder.Append("Prefer: return-no-content\r\n");
            }

            if (action.ActionType is TableTransactionActionType.Update or TableTransactionActionType.Delete)
            {
                builder.Append("If-Match: ").Append(action.ETag.ToString()).Append("\r\n");
            }

            if (action.Entity is not null)
            {
                builder.Append("Content-Type: application/json\r\n\r\n");
                builder.Append(Encoding.UTF8.GetString(TableEntityJson.Serialize(action.Entity))).Append("\r\n");
            }
            else
            {
                builder.Append("\r\n");
            }
        }

        builder.Append("--").Append(changesetBoundary).Append("--\r\n");
        builder.Append("--").Append(batchBoundary).Append("--\r\n");
        return builder.ToString();
    }

    public static string EntityUrl(string tableUrl, TableTransactionAction action) =>
        tableUrl + TableClient.EntityKeySegment(action.PartitionKey, action.RowKey);

    public static List<SubResponse> Read(string body, string contentType)
    {
        var results = new List<SubResponse>();
        ReadMultipart(body, Boundary(contentType), results);
        return results;
    }

    private static void ReadMultipart(string body, string boundary, List<SubResponse> results)
    {
        foreach (var part in Parts(body, boundary))
        {
            var (headers, content) = SplitHeaders(part);
            var contentType = headers.GetValueOrDefault("Content-Type") ?? string.Empty;
            if (contentType.StartsWith("multipart/mixed", StringComparison.OrdinalIgnoreCase))
            {
                ReadMultipart(string.Join('\n', content), Boundary(contentType), results);
            }
            else if (contentType.StartsWith("application/http", StringComparison.OrdinalIgnoreCase))
            {
                results.Add(ReadHttp(content));
            }
        }
    }

    private static SubResponse ReadHttp(List<string> lines)
    {
        var start = lines.FindIndex(l => l.Length > 0);
        if (start < 0 || !lines[start].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            throw new RequestFailedException("The table service's transaction response has a part without an HTTP status line.");
        }

        var statusParts = lines[start].Split(' ', 3);
        var status = int.Parse(statusParts[1], NumberStyles.Integer, CultureInfo.InvariantCulture);
        var (headers, body) = SplitHeaders(lines.GetRange(start + 1, lines.Count - start - 1));
        return new SubResponse(status, headers, string.Join('\n', body).Trim());
    }

    private static (Dictionary<string, string> Headers, List<string> Content) SplitHeaders(List<string> lines)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        for (; i < lines.Count && lines[i].Length > 0; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[lines[i][..colon].Trim()] = lines[i][(colon + 1)..].Trim();
            }
        }

        return (headers, i < lines.Count ? lines.GetRange(i + 1, lines.Count - i - 1) : []);
    }

    private static IEnumerable<List<string>> Parts(string body, string boundary)
    {
        var delimiter = "--" + boundary;
        List<string>? current = null;
        foreach (var raw in body.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line == delimiter || line == delimiter + "--")
            {
                if (current is not null)
                {
                    yield return current;
                }

                if (line != delimiter)
                {
                    yield break;
                }

                current = [];
                continue;
            }

            current?.Add(line);
        }

        if (current is not null)
        {
            yield return current;
        }
    }

    private static string Boundary(string contentType)
    {
        foreach (var parameter in contentType.Split(';', StringSplitOptions.TrimEntries))
        {
            if (parameter.StartsWith("boundary=", StringComparison.OrdinalIgnoreCase))
            {
                return parameter["boundary=".Length..].Trim('"');
            }
        }

        throw new RequestFailedException($"The table service's transaction response has no multipart boundary (Content-Type '{contentType}').");
    }
}
