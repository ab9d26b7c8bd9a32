namespace ScenarioEngine.Testing;

/// <summary>
/// The send, wait, send journey that the journeys benchmark, the engine-on-Azurite tests and the reliability tests run: each purchase
/// sends (step <c>first</c>), waits (<c>pause</c>), sends again (<c>second</c>) and exits.
/// </summary>
internal static class SendWaitSendJourney
{
    /// <summary>The steps that send, in order.</summary>
    public static IReadOnlyList<string> SendSteps { get; } = ["first", "second"];

    /// <summary>
    /// The journey's JSON: <paramref name="firstMessage"/>, a wait of <paramref name="wait"/> (an ISO 8601 duration), then
    /// <paramref name="secondMessage"/>, both by email.
    /// </summary>
    public static string Json(string id, string firstMessage, string secondMessage, string wait = "PT2S") => $$"""
    {
      "id": "{{id}}", "name": "Send, wait, send",
      "trigger": { "event": "purchase" },
      "start": "first",
      "steps": {
        "first":  { "type": "send", "medium": "email", "message": "{{firstMessage}}", "next": "pause" },
        "pause":  { "type": "wait", "for": "{{wait}}", "next": "second" },
        "second": { "type": "send", "medium": "email", "message": "{{secondMessage}}", "next": "done" },
        "done":   { "type": "exit" }
      }
    }
    """;
}
