namespace ScenarioEngine.Storage.Azure;

/// <summary>An Azure Storage connection string parsed into an account, its shared key and the table, queue and blob endpoints.</summary>
public sealed class StorageConnectionString
{
    /// <summary>The account name Azurite and the legacy storage emulator use.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The well-known, public key of the development account.</summary>
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private StorageConnectionString(string accountName, string accountKey, Uri? tableEndpoint, Uri? queueEndpoint, Uri? blobEndpoint)
    {
        AccountName = accountName;
        AccountKey = accountKey;
        TableEndpoint = tableEndpoint;
        QueueEndpoint = queueEndpoint;
        BlobEndpoint = blobEndpoint;
    }

    /// <summary>The storage account name.</summary>
    public string AccountName { get; }

    /// <summary>The account key, base64.</summary>
    public string AccountKey { get; }

    /// <summary>The Table service endpoint; null when the connection string names only other services.</summary>
    public Uri? TableEndpoint { get; }

    /// <summary>The Queue service endpoint; null when the connection string names only other services.</summary>
    public Uri? QueueEndpoint { get; }

    /// <summary>The Blob service endpoint; null when the connection string names only other services.</summary>
    public Uri? BlobEndpoint { get; }

    /// <summary>The connection string for Azurite on its default ports (what <c>UseDevelopmentStorage=true</c> means).</summary>
    public static StorageConnectionString Development { get; } = new(
        DevelopmentAccountName,
        DevelopmentAccountKey,
        new Uri("http://127.0.0.1:10002/" + DevelopmentAccountName),
        new Uri("http://127.0.0.1:10001/" + DevelopmentAccountName),
        new Uri("http://127.0.0.1:10000/" + DevelopmentAccountName));

    /// <summary>Parses a connection string; throws <see cref="FormatException"/> naming what is missing or malformed.</summary>
    public static StorageConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = Split(connectionString);

        if (settings.TryGetValue("UseDevelopmentStorage", out var useDev))
        {
            if (!bool.TryParse(useDev, out var dev) || !dev)
            {
                throw new FormatException("Storage connection string: UseDevelopmentStorage must be 'true' when present.");
            }

            if (settings.ContainsKey("DevelopmentStorageProxyUri"))
            {
                throw new FormatException("Storage connection string: DevelopmentStorageProxyUri is not supported.");
            }

            return Development;
        }

        if (!settings.TryGetValue("AccountName", out var accountName) || accountName.Length == 0)
        {
            throw new FormatException("Storage connection string is missing AccountName.");
        }

        if (!settings.TryGetValue("AccountKey", out var accountKey) || accountKey.Length == 0)
        {
            var hint = settings.ContainsKey("SharedAccessSignature")
                ? " (SharedAccessSignature is not supported; use an account key)"
                : string.Empty;
            throw new FormatException("Storage connection string is missing AccountKey" + hint + ".");
        }

        if (!Convert.TryFromBase64String(accountKey, new byte[accountKey.Length], out var keyLength) || keyLength == 0)
        {
            throw new FormatException("Storage connection string: AccountKey is not valid base64.");
        }

        var protocol = settings.GetValueOrDefault("DefaultEndpointsProtocol", "https");
        if (protocol is not ("http" or "https"))
        {
            throw new FormatException("Storage connection string: DefaultEndpointsProtocol must be http or https.");
        }

        var explicitTable = Endpoint(settings, "TableEndpoint");
        var explicitQueue = Endpoint(settings, "QueueEndpoint");
        var explicitBlob = Endpoint(settings, "BlobEndpoint");
        var anyExplicit = explicitTable is not null || explicitQueue is not null || explicitBlob is not null;

        // Endpoints are derived from the suffix when there is one, or when nothing is explicit (Azure's default suffix).
        settings.TryGetValue("EndpointSuffix", out var suffix);
        var derive = suffix is not null || !anyExplicit;
        suffix ??= "core.windows.net";

        Uri? Derived(string service) =>
            derive ? new Uri($"{protocol}://{accountName}.{service}.{suffix}") : null;

        var table = explicitTable ?? Derived("table");
        var queue = explicitQueue ?? Derived("queue");
        var blob = explicitBlob ?? Derived("blob");
        return new StorageConnectionString(accountName, accountKey, table, queue, blob);
    }

    /// <summary>Parses a connection string, returning false instead of throwing when it is malformed.</summary>
    public static bool TryParse(string? connectionString, out StorageConnectionString? result)
    {
        result = null;
        if (connectionString is null)
        {
            return false;
        }

        try
        {
            result = Parse(connectionString);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The connection string without the key, for logs.</summary>
    public override string ToString() =>
        $"AccountName={AccountName};TableEndpoint={TableEndpoint};QueueEndpoint={QueueEndpoint};BlobEndpoint={BlobEndpoint}";

    private static Dictionary<string, string> Split(string connectionString)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                // Never echo the segment: it may be part of a key.
                throw new FormatException("Storage connection string has a segment that is not a Name=Value setting.");
            }

            var name = part[..eq].Trim();
            if (!settings.TryAdd(name, part[(eq + 1)..].Trim()))
            {
                throw new FormatException($"Storage connection string: {name} appears more than once.");
            }
        }

        if (settings.Count == 0)
        {
            throw new FormatException("Storage connection string is empty.");
        }

        return settings;
    }

    private static Uri? Endpoint(Dictionary<string, string> settings, string name)
    {
        if (!settings.TryGetValue(name, out var text) || text.Length == 0)
        {
            return null;
        }

        if (!Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new FormatException($"Storage connection string: {name} is not an absolute http(s) URI.");
        }

        return uri;
    }
}
