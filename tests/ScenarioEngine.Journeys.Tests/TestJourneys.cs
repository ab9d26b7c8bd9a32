using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Journeys.Tests;

/// <summary>Journeys, profiles, events and starts for the tests.</summary>
internal static class TestJourneys
{
    public static Journey Parse(string steps, string start = "a", string extra = "", int version = 1, string id = "j1")
    {
        var json = $$"""
            { "id": "{{id}}", "name": "Test", "trigger": { "event": "signup" }, {{extra}} "start": "{{start}}", "steps": { {{steps}} } }
            """;
        var result = JourneyParser.Parse(json);
        Assert.True(result.IsValid, "expected a valid journey, got: " + string.Join("; ", result.Errors));
        return result.Value! with { Version = version };
    }

    /// <summary>send a (m1), wait, send b (m2), exit.</summary>
    public static Journey SendWaitSend(string wait = "PT1S", string id = "j1") => Parse($$"""
        "a": { "type": "send", "medium": "webhook", "message": "m1", "next": "w" },
        "w": { "type": "wait", "for": "{{wait}}", "next": "b" },
        "b": { "type": "send", "medium": "webhook", "message": "m2", "next": "x" },
        "x": { "type": "exit" }
        """, id: id);

    /// <summary>send a (m1 by webhook), exit.</summary>
    public static Journey SendOnce() => Parse("""
        "a": { "type": "send", "medium": "webhook", "message": "m1", "next": "x" },
        "x": { "type": "exit" }
        """);

    public static CustomerProfile Profile(string customerId, params (string Name, Value Value)[] attributes)
    {
        var profile = new CustomerProfile(customerId);
        foreach (var (name, value) in attributes)
        {
            profile.Attributes[name] = value;
        }

        profile.Consent["email"] = true;
        return profile;
    }

    public static CustomerEvent Event(string customerId, string type, string id) =>
        new(id, type, customerId, DateTimeOffset.UtcNow, new Dictionary<string, Value> { ["sku"] = Value.From("s1") });

    public static JourneyStart Start(Journey journey, string customerId, CustomerProfile? profile = null) =>
        new(customerId, journey.Id, journey.Version, "e-" + customerId, Event(customerId, "signup", "e-" + customerId), profile ?? Profile(customerId));

    public static JourneyEventDelivery Delivery(string customerId, string type, string id) => new(Event(customerId, type, id), Profile(customerId));
}
