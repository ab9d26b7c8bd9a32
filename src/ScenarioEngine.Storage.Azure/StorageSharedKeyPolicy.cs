using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ScenarioEngine.Storage.Azure;

/// <summary>The shared-key string-to-sign a request is authorized with.</summary>
public enum SharedKeyScheme
{
    /// <summary>Shared Key for the Blob, Queue and File services (verb, standard headers, x-ms headers, full canonical resource).</summary>
    SharedKey,

    /// <summary>Shared Key Lite for the Table service (date and canonical resource only).</summary>
    TableSharedKeyLite,
}

/// <summary>Pipeline policy that stamps x-ms-date and x-ms-version on each attempt and signs the request with the account key.</summary>
public sealed class StorageSharedKeyPolicy : HttpPipelineSynchronousPolicy
{
    private readonly string _accountName;
    private readonly byte[] _key;
    private readonly SharedKeyScheme _scheme;
    private readonly string _serviceVersion;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the policy for one account; <paramref name="timeProvider"/> supplies x-ms-date (the system clock by default).</summary>
    public StorageSharedKeyPolicy(string accountName, string accountKey, SharedKeyScheme scheme, string serviceVersion, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentException.ThrowIfNullOrEmpty(accountKey);
        ArgumentException.ThrowIfNullOrEmpty(serviceVersion);
        _accountName = accountName;
        _key = Convert.FromBase64String(accountKey);
        _scheme = scheme;
        _serviceVersion = serviceVersion;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var request = message.Request;
        var date = _timeProvider.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
        request.Headers.SetValue("x-ms-date", date);
        request.Headers.SetValue("x-ms-version", _serviceVersion);

        var uri = request.Uri.ToUri();
        var stringToSign = _scheme == SharedKeyScheme.TableSharedKeyLite
            ? date + "\n" + TableLiteResource(uri)
            : SharedKeyStringToSign(request, uri);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign)));
        var schemeName = _scheme == SharedKeyScheme.TableSharedKeyLite ? "SharedKeyLite" : "SharedKey";
        request.Headers.SetValue(HttpHeader.Names.Authorization, $"{schemeName} {_accountName}:{signature}");
    }

    private string SharedKeyStringToSign(Request request, Uri uri)
    {
        var contentLength = string.Empty;
        if (request.Content is not null && request.Content.TryComputeLength(out var length) && length > 0)
        {
            contentLength = length.ToString(CultureInfo.InvariantCulture);
        }

        var builder = new StringBuilder();
        builder.Append(request.Method.Method.ToUpperInvariant()).Append('\n');
        builder.Append(Header(request, "Content-Encoding")).Append('\n');
        builder.Append(Header(request, "Content-Language")).Append('\n');
        builder.Append(contentLength).Append('\n');
        builder.Append(Header(request, "Content-MD5")).Append('\n');
        builder.Append(Header(request, "Content-Type")).Append('\n');
        builder.Append('\n'); // Date: empty because x-ms-date is sent.
        builder.Append(Header(request, "If-Modified-Since")).Append('\n');
        builder.Append(Header(request, "If-Match")).Append('\n');
        builder.Append(Header(request, "If-None-Match")).Append('\n');
        builder.Append(Header(request, "If-Unmodified-Since")).Append('\n');
        builder.Append(Header(request, "Range")).Append('\n');

        var msHeaders = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in request.Headers)
        {
            if (header.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            {
                msHeaders[header.Name.ToLowerInvariant()] = header.Value.Trim();
            }
        }

        foreach (var (name, value) in msHeaders)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append('/').Append(_accountName).Append(uri.AbsolutePath.Length == 0 ? "/" : uri.AbsolutePath);
        foreach (var (name, values) in QueryParameters(uri))
        {
            values.Sort(StringComparer.Ordinal);
            builder.Append('\n').Append(name).Append(':').Append(string.Join(',', values));
        }

        return builder.ToString();
    }

    // Path-style endpoints (Azurite) carry the account as the first path segment, so the resource is then /account/account/...
    private string TableLiteResource(Uri uri)
    {
        var resource = "/" + _accountName + (uri.AbsolutePath.Length == 0 ? "/" : uri.AbsolutePath);
        if (QueryParameters(uri).TryGetValue("comp", out var comp))
        {
            resource += "?comp=" + comp[0];
        }

        return resource;
    }

    private static SortedDictionary<string, List<string>> QueryParameters(Uri uri)
    {
        var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var query = uri.Query;
        if (query.Length <= 1)
        {
            return result;
        }

        foreach (var pair in query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            if (!result.TryGetValue(name, out var values))
            {
                values = [];
                result[name] = values;
            }

            values.Add(value);
        }

        return result;
    }

    private static string Header(Request request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value : string.Empty;
}
