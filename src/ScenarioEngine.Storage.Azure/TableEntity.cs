using Azure;

namespace ScenarioEngine.Storage.Azure;

/// <summary>A Table Storage entity: its keys, ETag, timestamp and typed properties (string, int, long, double, bool, DateTimeOffset, byte[], Guid).</summary>
public sealed class TableEntity
{
    private readonly Dictionary<string, object> _properties = new(StringComparer.Ordinal);

    /// <summary>Creates an entity with the given keys and no properties.</summary>
    public TableEntity(string partitionKey, string rowKey)
    {
        ValidateKey(partitionKey, nameof(partitionKey));
        ValidateKey(rowKey, nameof(rowKey));
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    /// <summary>The partition key.</summary>
    public string PartitionKey { get; }

    /// <summary>The row key.</summary>
    public string RowKey { get; }

    /// <summary>The ETag read with the entity (default when the entity was built locally).</summary>
    public ETag ETag { get; set; }

    /// <summary>The service's last-modified time; ignored on writes.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The properties other than the keys and timestamp.</summary>
    public IReadOnlyDictionary<string, object> Properties => _properties;

    /// <summary>Gets or sets a property; null removes it. Only the supported CLR types are accepted.</summary>
    public object? this[string name]
    {
        get => _properties.GetValueOrDefault(name);
        set
        {
            ValidatePropertyName(name);
            if (value is null)
            {
                _properties.Remove(name);
                return;
            }

            _properties[name] = value switch
            {
                string or int or long or double or bool or DateTimeOffset or Guid => value,
                byte[] bytes => bytes.ToArray(),
                _ => throw new ArgumentException(
                    $"Property '{name}' has unsupported type {value.GetType().Name}; use string, int, long, double, bool, DateTimeOffset, byte[] or Guid.",
                    nameof(value)),
            };
        }
    }

    /// <summary>A string property, or null.</summary>
    public string? GetString(string name) => Get(name) as string;

    /// <summary>An Int32 property, or null.</summary>
    public int? GetInt32(string name) => Get(name) as int?;

    /// <summary>An Int64 property (an Int32 value widens), or null.</summary>
    public long? GetInt64(string name) => Get(name) switch
    {
        long l => l,
        int i => i,
        _ => null,
    };

    /// <summary>A Double property, or null. Whole-number doubles may come back from the service as Int32 and are widened here.</summary>
    public double? GetDouble(string name) => Get(name) switch
    {
        double d => d,
        int i => i,
        long l => l,
        _ => null,
    };

    /// <summary>A Boolean property, or null.</summary>
    public bool? GetBoolean(string name) => Get(name) as bool?;

    /// <summary>A DateTime property (UTC), or null.</summary>
    public DateTimeOffset? GetDateTimeOffset(string name) => Get(name) as DateTimeOffset?;

    /// <summary>A Binary property, or null.</summary>
    public byte[]? GetBinary(string name) => Get(name) as byte[];

    /// <summary>A Guid property, or null.</summary>
    public Guid? GetGuid(string name) => Get(name) as Guid?;

    internal void SetRead(string name, object value) => _properties[name] = value;

    internal static void ValidateKey(string key, string paramName) => Runtime.Storage.TableKeys.Validate(key, paramName, 1024);

    private object? Get(string name) => _properties.GetValueOrDefault(name);

    private static void ValidatePropertyName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.StartsWith("odata.", StringComparison.Ordinal) ||
            name.Contains('@', StringComparison.Ordinal) || name.Length > 255)
        {
            throw new ArgumentException($"'{name}' cannot be used as a property name.", nameof(name));
        }
    }
}
