using System.Buffers;
using System.Globalization;
using System.Text;
using Azure;

namespace ScenarioEngine.Storage.Azure;

/// <summary>Writes the multipart/mixed body of an entity-group transaction and reads the service's multipart answer.</summary>
internal static class TableBatchFormat
{
    public sealed record SubResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

    /// <summary>The transaction's body as UTF-8, each entity's JSON written in place.</summary>
    public static byte[] Write(string batchBoundary, string changesetBoundary, string tableUrl, IReadOnlyList<TableTransactionAction> actions)
    {
        var body = new ArrayBufferWriter<byte>(1024 * (actions.Count + 1));
        void Text(string text) => body.Advance(Encoding.UTF8.GetBytes(text, body.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length))));

        Text("--" + batchBoundary + "\r\nContent-Type: multipart/mixed; boundary=" + changesetBoundary + "\r\n\r\n");
        foreach (var action in actions)
        {
            var (method, url) = action.ActionType switch
            {
                TableTransactionActionType.Insert => ("POST", tableUrl),
                TableTransactionActionType.Delete => ("DELETE", EntityUrl(tableUrl, action)),
                _ => (action.Mode == TableUpdateMode.Merge ? "MERGE" : "PUT", EntityUrl(tableUrl, action)),
            };
            Text("--" + changesetBoundary + "\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
                 method + " " + url + " HTTP/1.1\r\nAccept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\n");
            if (action.ActionType == TableTransactionActionType.Insert)
            {
                Text("Prefer: return-no-content\r\n");
            }

            if (action.ActionType is TableTransactionActionType.Update or TableTransactionActionType.Delete)
            {
                Text("If-Match: " + action.ETag.ToString() + "\r\n");
            }

            if (action.Entity is not null)
            {
                Text("Content-Type: application/json\r\n\r\n");
                TableEntityJson.Serialize(action.Entity, body);
            }

            Text("\r\n");
        }

        Text("--" + changesetBoundary + "--\r\n--" + batchBoundary + "--\r\n");
        return body.WrittenSpan.ToArray();
    }

    public static string EntityUrl(string tableUrl, TableTransactionAction action) =>
        tableUrl + TableClient.EntityKeySegment(action.PartitionKey, action.RowKey);

    public static List<SubResponse> Read(string body, string contentType)
    {
        var results = new List<SubResponse>();
        ReadMultipart(Lines(body), Boundary(contentType), results);
        return results;
    }

    /// <summary>The body's lines without their CR LF (or LF) ends, each made once.</summary>
    private static List<string> Lines(string body)
    {
        var lines = new List<string>();
        for (var start = 0; start <= body.Length;)
        {
            var newline = body.IndexOf('\n', start);
            var end = newline < 0 ? body.Length : newline;
            lines.Add(body.Substring(start, end > start && body[end - 1] == '\r' ? end - start - 1 : end - start));
            if (newline < 0)
            {
                break;
            }

            start = newline + 1;
        }

        return lines;
    }

    private static void ReadMultipart(List<string> lines, string boundary, List<SubResponse> results)
    {
        foreach (var part in Parts(lines, boundary))
        {
            var (headers, content) = SplitHeaders(part);
            var contentType = headers.GetValueOrDefault("Content-Type") ?? string.Empty;
            if (contentType.StartsWith("multipart/mixed", StringComparison.OrdinalIgnoreCase))
            {
                ReadMultipart(content, Boundary(contentType), results);
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

        var statusLine = lines[start].AsSpan();
        var afterVersion = statusLine[(statusLine.IndexOf(' ') + 1)..];
        var code = afterVersion.IndexOf(' ') is var space and >= 0 ? afterVersion[..space] : afterVersion;
        var status = int.Parse(code, NumberStyles.Integer, CultureInfo.InvariantCulture);
        var (headers, body) = SplitHeaders(lines.GetRange(start + 1, lines.Count - start - 1));
        return new SubResponse(status, headers, body.Count == 0 ? string.Empty : string.Join('\n', body).Trim());
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

    private static IEnumerable<List<string>> Parts(List<string> lines, string boundary)
    {
        var delimiter = "--" + boundary;
        List<string>? current = null;
        foreach (var line in lines)
        {
            var isDelimiter = line.StartsWith(delimiter, StringComparison.Ordinal) && line.Length - delimiter.Length is 0 or 2;
            if (isDelimiter && (line.Length == delimiter.Length || line.EndsWith("--", StringComparison.Ordinal)))
            {
                if (current is not null)
                {
                    yield return current;
                }

                if (line.Length != delimiter.Length)
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
