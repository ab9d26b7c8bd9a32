using System.Collections;
using System.Diagnostics.CodeAnalysis;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>
/// The data of an event's time-line entry: "id" (the event's id, unless a property of that name replaces it), then each property as
/// text, in the event's order. It reads the event, which is immutable, and formats a value only when it is read: every event applied
/// has an entry, and the in-memory store keeps the entries as written, while the time line is read for a few customers.
/// </summary>
internal sealed class EventTimelineData(CustomerEvent e) : IReadOnlyDictionary<string, string>
{
    private const string IdKey = "id";

    /// <inheritdoc />
    public int Count => e.Properties.ContainsKey(IdKey) ? e.Properties.Count : e.Properties.Count + 1;

    /// <inheritdoc />
    public IEnumerable<string> Keys => this.Select(p => p.Key);

    /// <inheritdoc />
    public IEnumerable<string> Values => this.Select(p => p.Value);

    /// <inheritdoc />
    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The event's data has no '{key}'.");

    /// <inheritdoc />
    public bool ContainsKey(string key) => key == IdKey || e.Properties.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        if (e.Properties.TryGetValue(key, out var property))
        {
            value = property.ToString();
            return true;
        }

        value = key == IdKey ? e.Id : null;
        return value is not null;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        yield return new(IdKey, e.Properties.TryGetValue(IdKey, out var id) ? id.ToString() : e.Id);
        foreach (var (key, value) in e.Properties)
        {
            if (key != IdKey)
            {
                yield return new(key, value.ToString());
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
