using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace ScenarioEngine.Storage.Azure;

/// <summary>
/// How one storage account is reached, read once from configuration the way the Functions host reads a connection: a connection
/// string, or the Table, Queue and Blob service URIs with a Microsoft Entra ID <see cref="TokenCredential"/>. The engine's Table and
/// Queue clients (<see cref="StorageClients"/>) and the standalone host's Durable Task hub (which also needs blobs) are built from
/// one instance, so both use the same credential.
/// </summary>
public sealed partial class StorageConnection
{
    private StorageConnection(string name, string? connectionString, Uri? tableServiceUri, Uri? queueServiceUri, Uri? blobServiceUri, TokenCredential? credential)
    {
        Name = name;
        ConnectionString = connectionString;
        TableServiceUri = tableServiceUri;
        QueueServiceUri = queueServiceUri;
        BlobServiceUri = blobServiceUri;
        Credential = credential;
    }

    /// <summary>The connection's setting name (<c>AzureWebJobsStorage</c> by default); errors name its settings with it.</summary>
    public string Name { get; }

    /// <summary>The connection string, or null when the connection uses Microsoft Entra ID.</summary>
    public string? ConnectionString { get; }

    /// <summary>The Table service URI (Microsoft Entra ID only).</summary>
    public Uri? TableServiceUri { get; }

    /// <summary>The Queue service URI (Microsoft Entra ID only).</summary>
    public Uri? QueueServiceUri { get; }

    /// <summary>
    /// The Blob service URI (Microsoft Entra ID only): <c>name__blobServiceUri</c>, else from <c>name__accountName</c>; null when
    /// neither is set, since only the Durable Task hub needs blobs (<see cref="RequireBlobServiceUri"/>).
    /// </summary>
    public Uri? BlobServiceUri { get; }

    /// <summary>The Microsoft Entra ID credential, or null for a connection string.</summary>
    public TokenCredential? Credential { get; }

    /// <summary>
    /// Reads the connection named <paramref name="name"/>: its value is a connection string; otherwise <c>name__accountName</c>
    /// gives <c>https://account.{table,queue,blob}.core.windows.net</c>, and <c>name__tableServiceUri</c>,
    /// <c>name__queueServiceUri</c> and <c>name__blobServiceUri</c> each override one service, as the Functions host reads them.
    /// The credential is <c>name__credential</c> = <c>managedidentity</c> (with <c>name__clientId</c> for a user-assigned
    /// identity), else <see cref="DefaultAzureCredential"/>. Throws <see cref="InvalidOperationException"/> naming the missing or bad
    /// setting (never printing a key).
    /// </summary>
    /// <param name="configuration">The configuration root (or any section holding the setting).</param>
    /// <param name="name">The connection's name, <c>AzureWebJobsStorage</c> by default.</param>
    /// <param name="credential">The credential to use with Microsoft Entra ID instead of the one the settings describe (tests pass a fake).</param>
    public static StorageConnection FromConfiguration(IConfiguration configuration, string name = StorageClients.DefaultSettingName, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (configuration[name] is { } connectionString && !string.IsNullOrWhiteSpace(connectionString))
        {
            return new StorageConnection(name, connectionString, null, null, null, null);
        }

        var section = configuration.GetSection(name);
        var account = section["accountName"];
        var table = section["tableServiceUri"];
        var queue = section["queueServiceUri"];
        var blob = section["blobServiceUri"];
        if (new[] { account, table, queue, blob }.All(string.IsNullOrWhiteSpace))
        {
            throw new InvalidOperationException(
                $"{name} is not set: give a storage connection string (\"UseDevelopmentStorage=true\" for Azurite), or for Microsoft Entra ID " +
                $"{name}__accountName (or {name}__tableServiceUri and {name}__queueServiceUri).");
        }

        if (!string.IsNullOrWhiteSpace(account) && !AccountName().IsMatch(account))
        {
            throw new InvalidOperationException($"{name}__accountName must be a storage account name: 3 to 24 lowercase letters and digits.");
        }

        return new StorageConnection(
            name,
            null,
            ServiceUri(table, account, "table", name) ?? throw NotSet(name, "table"),
            ServiceUri(queue, account, "queue", name) ?? throw NotSet(name, "queue"),
            ServiceUri(blob, account, "blob", name),
            credential ?? CredentialFrom(section, name));
    }

    /// <summary>The Blob service URI, or an <see cref="InvalidOperationException"/> naming the settings that give it.</summary>
    public Uri RequireBlobServiceUri() =>
        BlobServiceUri ?? throw new InvalidOperationException(
            $"{Name}__blobServiceUri is not set: the Durable Task hub keeps its app lease and large messages in blobs, so with " +
            $"{Name}__tableServiceUri and {Name}__queueServiceUri it needs the blob service URI too (or {Name}__accountName for all three).");

    /// <summary>The credential the identity settings describe: a managed identity (user-assigned with a client id), else DefaultAzureCredential.</summary>
    internal static TokenCredential CredentialFrom(IConfigurationSection section, string name)
    {
        var clientId = section["clientId"];
        var kind = section["credential"];
        if (string.IsNullOrWhiteSpace(kind))
        {
            return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = NullIfBlank(clientId) });
        }

        if (!string.Equals(kind, StorageClients.ManagedIdentity, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{name}__credential must be \"{StorageClients.ManagedIdentity}\" or unset (unset uses DefaultAzureCredential).");
        }

        return NullIfBlank(clientId) is { } id
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(id))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }

    private static Uri? ServiceUri(string? value, string? account, string service, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return string.IsNullOrWhiteSpace(account) ? null : new Uri($"https://{account}.{service}.core.windows.net/");
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException(
                $"{name}__{service}ServiceUri must be an absolute https URI such as https://myaccount.{service}.core.windows.net (Microsoft Entra ID tokens are sent over https only).");
        }

        return uri;
    }

    private static InvalidOperationException NotSet(string name, string service) =>
        new($"{name}__{service}ServiceUri is not set: identity-based storage needs the table and the queue service URI (or {name}__accountName for both).");

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex AccountName();
}
