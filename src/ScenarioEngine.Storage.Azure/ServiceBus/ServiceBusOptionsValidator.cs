using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;

namespace ScenarioEngine.Storage.Azure.ServiceBus;

/// <summary>Checks the "ServiceBus" section at start; each message names the setting and what was expected. Never echoes a secret.</summary>
public sealed class ServiceBusOptionsValidator : IValidateOptions<ServiceBusOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ServiceBusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string Section = ServiceBusOptions.SectionName;
        var hasConnection = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasNamespace = !string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace);
        if (hasConnection && hasNamespace)
        {
            errors.Add($"{Section}:ConnectionString and {Section}:FullyQualifiedNamespace are both set: set one (a connection string, or a namespace reached with Microsoft Entra ID)");
        }

        if (hasConnection)
        {
            try
            {
                var parsed = ServiceBusConnectionStringProperties.Parse(options.ConnectionString!);
                if (parsed.Endpoint is null)
                {
                    errors.Add($"{Section}:ConnectionString has no Endpoint: expected Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...");
                }
            }
            catch (FormatException)
            {
                errors.Add($"{Section}:ConnectionString is not a Service Bus connection string: expected Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...");
            }
        }

        if (hasNamespace && Uri.CheckHostName(options.FullyQualifiedNamespace) != UriHostNameType.Dns)
        {
            errors.Add($"{Section}:FullyQualifiedNamespace must be a host name such as contoso.servicebus.windows.net (no scheme, port or path); got '{options.FullyQualifiedNamespace}'");
        }

        if ((hasConnection || hasNamespace) && string.IsNullOrWhiteSpace(options.Topic))
        {
            errors.Add($"{Section}:Topic is required when {Section}:ConnectionString or {Section}:FullyQualifiedNamespace is set: the topic integration events are sent to");
        }

        Positive(errors, "BufferCapacity", options.BufferCapacity);
        Positive(errors, "MaxBatchSize", options.MaxBatchSize);
        Positive(errors, "MaxAttempts", options.MaxAttempts);
        if (options.MinRetryDelay < TimeSpan.Zero)
        {
            errors.Add($"{Section}:MinRetryDelay must not be negative; got {options.MinRetryDelay}");
        }

        if (options.MaxRetryDelay < options.MinRetryDelay)
        {
            errors.Add($"{Section}:MaxRetryDelay must be at least {Section}:MinRetryDelay ({options.MinRetryDelay}); got {options.MaxRetryDelay}");
        }

        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            errors.Add($"{Section}:ShutdownTimeout must not be negative; got {options.ShutdownTimeout}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string setting, int value)
    {
        if (value < 1)
        {
            errors.Add($"{ServiceBusOptions.SectionName}:{setting} must be at least 1; got {value}");
        }
    }
}
