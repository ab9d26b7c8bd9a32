using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Core.Tests;

/// <summary>Shared builders: journeys from JSON, profiles, events and a virtual clock (plain instants, no sleeps).</summary>
internal static class TestSupport
{
    /// <summary>The virtual clock's origin: 2026-05-01 00:00 UTC (09:00 in Tokyo).</summary>
    public static readonly DateTimeOffset T0 = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly MachineSettings Settings = MachineSettings.Default;

    public static TimeZoneInfo Zone(string id) => LocalTime.FindZone(id) ?? throw new InvalidOperationException($"zone {id} missing on this machine");

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    /// <summary>A journey document with a default trigger; <paramref name="steps"/> is the inside of the steps object.</summary>
    public static string Doc(string steps, string start = "a", string trigger = """{ "event": "purchase" }""", string extra = "") =>
        $$"""
        {
          "id": "j1",
          "name": "Test journey",
          "trigger": {{trigger}},
          {{extra}}
          "start": "{{start}}",
          "steps": { {{steps}} }
        }
        """;

    /// <summary>Parses a journey that must be valid.</summary>
    public static Journey Journey(string json, IReadOnlyDictionary<string, MessageDocument>? messages = null)
    {
        var result = JourneyParser.Parse(json, messages);
        Assert.True(result.IsValid, "expected a valid journey, got: " + string.Join("; ", result.Errors));
        return result.Value!;
    }

    public static CustomerProfile Profile(string id = "c1", string? zone = "Asia/Tokyo", bool emailConsent = true)
    {
        var p = new CustomerProfile(id) { TimeZone = zone };
        if (emailConsent)
        {
            p.Consent["email"] = true;
        }

        return p;
    }

    public static CustomerEvent Event(string type, DateTimeOffset at, string id = "e1", string customerId = "c1", params (string Key, Value Value)[] props) =>
        new(id, type, customerId, at, props.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    public static StepResult Enter(Journey journey, CustomerProfile profile, DateTimeOffset now, CustomerEvent? e = null, string instanceId = "i1") =>
        JourneyMachine.Step(journey, null, new EnterInput(instanceId, e), profile, now, Settings);

    public static StepResult Send(Journey journey, StepResult previous, CustomerEvent e, DateTimeOffset now) =>
        JourneyMachine.Step(journey, previous.Instance, new EventInput(e), previous.Profile, now, Settings);

    public static StepResult Wake(Journey journey, StepResult previous, DateTimeOffset now, int? seq = null) =>
        JourneyMachine.Step(journey, previous.Instance, new WakeInput(seq ?? previous.Instance.Seq), previous.Profile, now, Settings);

    public static IEnumerable<T> Of<T>(this StepResult result) => result.Effects.OfType<T>();

    /// <summary>Asserts that an error with exactly this path exists and that its message contains each fragment.</summary>
    public static ValidationError HasError<T>(ParseResult<T> result, string path, params string[] fragments) where T : class
    {
        Assert.False(result.IsValid);
        var atPath = result.Errors.Where(e => e.Path == path).ToList();
        Assert.True(atPath.Count > 0, $"no error at {path}; errors were: {string.Join(" | ", result.Errors)}");
        var match = atPath.FirstOrDefault(e => fragments.All(f => e.Message.Contains(f, StringComparison.Ordinal)));
        Assert.True(match is not null, $"no error at {path} mentioning [{string.Join(", ", fragments)}]; errors were: {string.Join(" | ", result.Errors)}");
        return match!;
    }
}
