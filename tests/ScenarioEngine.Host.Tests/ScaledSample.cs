using System.Globalization;
using System.Text.Json.Nodes;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Host.Tests;

/// <summary>One scaled event: its JSON (occurredAt rewritten) and when it happens, counted from the run's start.</summary>
public sealed record ScaledEvent(string Id, string CustomerId, TimeSpan Offset, JsonObject Json)
{
    /// <summary>The event's JSON with occurredAt at <paramref name="start"/> + <see cref="Offset"/>.</summary>
    public string At(DateTimeOffset start)
    {
        var copy = (JsonObject)Json.DeepClone();
        copy["occurredAt"] = (start + Offset).ToString("O", CultureInfo.InvariantCulture);
        return copy.ToJsonString();
    }
}

/// <summary>
/// A sample (journey, its messages, its event stream) with time scaled so that a real-time run takes seconds: every duration in the
/// journey becomes <c>days × secondsPerDay</c> seconds, waits lose <c>atLocalTime</c> (a local time of day cannot be scaled), and each
/// customer's events keep their order with each gap scaled the same way; a gap longer than the journey's waits together (after which
/// none of the customer's timers is pending) shrinks to those waits plus <see cref="SettleGap"/>. Customers are independent (no caps,
/// no analytics), so every customer's stream starts at the run's start. A date trigger (a calendar date cannot be scaled) becomes an
/// event trigger on the customer's identify. The simulator and the real host both run the scaled sample.
/// </summary>
public sealed class ScaledSample
{
    /// <summary>Real time after every pending wait of earlier events before the next event of a shrunk gap.</summary>
    public static readonly TimeSpan SettleGap = TimeSpan.FromSeconds(1.5);

    private static readonly string[] WaitKeys = ["for", "timeout"];

    private ScaledSample(string name, string journey, IReadOnlyList<string> messages, IReadOnlyList<ScaledEvent> events, TimeSpan horizon)
    {
        Name = name;
        Journey = journey;
        Messages = messages;
        Events = events;
        Horizon = horizon;
    }

    /// <summary>The sample's name (its journey id).</summary>
    public string Name { get; }

    /// <summary>The scaled journey document.</summary>
    public string Journey { get; }

    /// <summary>The message documents the journey sends.</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>The scaled events, in time order.</summary>
    public IReadOnlyList<ScaledEvent> Events { get; }

    /// <summary>The journey's waits together, scaled: how long after the last event every instance has stopped waiting.</summary>
    public TimeSpan Horizon { get; }

    /// <summary>When the last event happens, counted from the start.</summary>
    public TimeSpan Span => Events.Count == 0 ? TimeSpan.Zero : Events[^1].Offset;

    /// <summary>Every sample's name (the journeys under samples/journeys).</summary>
    public static IReadOnlyList<string> Names() =>
        Directory.GetFiles(Path.Combine(AzuriteFixture.FindRepositoryRoot(), "samples", "journeys"), "*.json")
            .Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal).ToList()!;

    /// <summary>Loads samples/journeys/{name}.json, the messages it sends and samples/events/{name}.jsonl, scaled to <paramref name="secondsPerDay"/>.</summary>
    public static ScaledSample Load(string name, double secondsPerDay)
    {
        var samples = Path.Combine(AzuriteFixture.FindRepositoryRoot(), "samples");
        var journey = JsonNode.Parse(File.ReadAllText(Path.Combine(samples, "journeys", name + ".json")))!.AsObject();
        var waits = TimeSpan.Zero;
        Scale(journey, secondsPerDay, ref waits);
        if (journey["trigger"]?["date"] is not null)
        {
            journey["trigger"] = new JsonObject { ["event"] = "identify" };
        }

        var messageIds = journey["steps"]!.AsObject().Select(s => s.Value?["message"]?.GetValue<string>()).OfType<string>().Distinct(StringComparer.Ordinal);
        var messages = messageIds.Select(id => File.ReadAllText(Path.Combine(samples, "messages", id + ".json"))).ToList();

        var lines = File.ReadAllLines(Path.Combine(samples, "events", name + ".jsonl")).Where(l => l.Trim().Length > 0)
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .Select((e, i) => (Json: e, At: DateTimeOffset.Parse(e["occurredAt"]!.GetValue<string>(), CultureInfo.InvariantCulture), Order: i))
            .OrderBy(e => e.At).ThenBy(e => e.Order).ToList();
        var events = new List<ScaledEvent>();
        foreach (var customer in lines.GroupBy(e => e.Json["customerId"]!.GetValue<string>(), StringComparer.Ordinal))
        {
            var offset = TimeSpan.Zero;
            DateTimeOffset? previous = null;
            foreach (var (json, at, _) in customer)
            {
                if (previous is { } p)
                {
                    var gap = Scaled(at - p, secondsPerDay);
                    offset += gap > waits + SettleGap ? waits + SettleGap : gap;
                }

                previous = at;
                events.Add(new ScaledEvent(json["id"]!.GetValue<string>(), customer.Key, offset, json));
            }
        }

        return new ScaledSample(name, journey.ToJsonString(), messages, [.. events.OrderBy(e => e.Offset)], waits);
    }

    private static TimeSpan Scaled(TimeSpan real, double secondsPerDay) => TimeSpan.FromSeconds(real.TotalDays * secondsPerDay);

    /// <summary>Rewrites every ISO duration under <paramref name="node"/> to scaled seconds, drops atLocalTime, and sums the waits.</summary>
    private static void Scale(JsonNode? node, double secondsPerDay, ref TimeSpan waits)
    {
        switch (node)
        {
            case JsonObject o:
                o.Remove("atLocalTime");
                foreach (var (key, value) in o.ToList())
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var text) && text.StartsWith('P') && IsoDuration.TryParse(text, out var duration))
                    {
                        var scaled = Scaled(duration.Approximate, secondsPerDay);
                        o[key] = "PT" + scaled.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "S";
                        if (WaitKeys.Contains(key, StringComparer.Ordinal))
                        {
                            waits += scaled;
                        }
                    }
                    else
                    {
                        Scale(value, secondsPerDay, ref waits);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Scale(item, secondsPerDay, ref waits);
                }

                break;
        }
    }
}
