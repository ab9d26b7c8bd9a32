using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Storage.Simulation;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>The profile a start takes at ingest: as the events before it left it, whatever the later events of the same batch change.</summary>
public sealed class IngestProfileTests
{
    private const string Journey = """
    {
      "id": "plan", "name": "Plan", "trigger": { "event": "signup" }, "start": "which",
      "steps": {
        "which": { "type": "branch", "cases": [ { "when": { "attr": "profile.plan", "eq": "gold" }, "next": "gold" } ], "otherwise": "other" },
        "gold": { "type": "send", "medium": "email", "message": "gold", "next": "done" },
        "other": { "type": "send", "medium": "email", "message": "other", "next": "done" },
        "done": { "type": "exit" }
      }
    }
    """;

    [Fact]
    public async Task Apply_EventChangesTheProfileAfterAStartInTheSameBatch_TheStartKeepsTheProfileItWasGiven()
    {
        var messages = new[] { "gold", "other" }.Select(id => MessageParser.Parse($$"""{ "id": "{{id}}", "email": { "subject": "{{id}}", "text": "t" } }""").Value!).ToList();
        var journey = JourneyParser.Parse(Journey, messages.ToDictionary(m => m.Id, StringComparer.Ordinal));
        Assert.True(journey.IsValid, string.Join("; ", journey.Errors));
        var at = new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero);
        var sim = new Simulator([journey.Value!], messages, start: at);

        // One instant, one batch: the start comes between the two profile changes.
        var report = await sim.RunAsync(
        [
            PipelineTests.Event("i1", "identify", "c1", at, ("consent.email", Value.From(true)), ("plan", Value.From("gold"))),
            PipelineTests.Event("s1", "signup", "c1", at),
            PipelineTests.Event("i2", "identify", "c1", at, ("plan", Value.From("silver"))),
        ], TimeSpan.FromDays(1));

        Assert.Equal("gold", Assert.Single(report.Sends).MessageId);
        Assert.Equal("silver", (await sim.Engine.GetCustomerAsync("c1"))!.Profile.Attributes["plan"].AsString);
    }
}
