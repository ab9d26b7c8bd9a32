namespace ScenarioEngine.Host.Tests;

/// <summary>Journeys and messages the host tests publish.</summary>
public static class TestDocuments
{
    /// <summary>Thanks at once, a follow-up 2 s later, then a branch on a review event (or a 60 s timeout).</summary>
    public const string FollowUpJourney = """
    {
      "id": "e2e-follow-up", "name": "Thanks, then a follow-up two seconds later",
      "trigger": { "event": "purchase" },
      "reentry": { "mode": "always" },
      "start": "thanks",
      "steps": {
        "thanks":   { "type": "send", "medium": "email", "message": "e2e-thanks", "next": "pause" },
        "pause":    { "type": "wait", "for": "PT2S", "next": "follow" },
        "follow":   { "type": "send", "medium": "email", "message": "e2e-follow", "next": "review" },
        "review":   { "type": "waitForEvent", "event": "review", "timeout": "PT60S", "onEvent": "reviewed", "onTimeout": "done" },
        "reviewed": { "type": "send", "medium": "email", "message": "e2e-reviewed", "next": "done" },
        "done":     { "type": "exit" }
      }
    }
    """;

    public const string ThanksMessage = """
    { "id": "e2e-thanks", "email": { "subject": "Thank you {{profile.firstName}}", "html": "<p>Order {{trigger.orderId}} for {{profile.firstName}}</p>", "text": "Order {{trigger.orderId}}" } }
    """;

    public const string FollowMessage = """
    { "id": "e2e-follow", "email": { "subject": "How is it going, {{profile.firstName}}?", "text": "Tell us about order {{trigger.orderId}}" } }
    """;

    public const string ReviewedMessage = """
    { "id": "e2e-reviewed", "email": { "subject": "Thanks for the review", "text": "Thank you {{profile.firstName}}" } }
    """;

    public static readonly string[] FollowUpMessages = [ThanksMessage, FollowMessage, ReviewedMessage];

    /// <summary>One email at once: the simplest journey, for counting.</summary>
    public const string OneShotJourney = """
    {
      "id": "one-shot", "name": "One email per purchase",
      "trigger": { "event": "purchase" },
      "reentry": { "mode": "always" },
      "start": "thanks",
      "steps": {
        "thanks": { "type": "send", "medium": "email", "message": "e2e-thanks", "next": "done" },
        "done":   { "type": "exit" }
      }
    }
    """;

    /// <summary>Thanks at once, then a day's wait: customers stay at the wait step.</summary>
    public const string HoldJourney = """
    {
      "id": "hold", "name": "Thanks, then a day's wait",
      "trigger": { "event": "purchase" },
      "reentry": { "mode": "always" },
      "start": "thanks",
      "steps": {
        "thanks": { "type": "send", "medium": "email", "message": "e2e-thanks", "next": "wait" },
        "wait":   { "type": "wait", "for": "P1D", "next": "done" },
        "done":   { "type": "exit" }
      }
    }
    """;

    public static string Identify(string customer, string id, string firstName = "Mai") =>
        "{\"id\":\"" + id + "\",\"type\":\"identify\",\"customerId\":\"" + customer + "\",\"occurredAt\":\"" + TestHost.Now() +
        "\",\"properties\":{\"email\":\"" + customer + "@example.com\",\"firstName\":\"" + firstName + "\",\"consent\":{\"email\":true}}}";

    public static string Purchase(string customer, string id, string orderId = "o-1", int amount = 6000) =>
        "{\"id\":\"" + id + "\",\"type\":\"purchase\",\"customerId\":\"" + customer + "\",\"occurredAt\":\"" + TestHost.Now() +
        "\",\"properties\":{\"orderId\":\"" + orderId + "\",\"amount\":" + amount.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}";
}
