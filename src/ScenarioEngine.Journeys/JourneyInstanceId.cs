namespace ScenarioEngine.Journeys;

/// <summary>
/// Builds the orchestration instance id of a customer's entry into a journey. The same (customer, journey, entry) always gives the
/// same id, so a redelivered trigger cannot start a second instance. Parts are escaped, so no character a Durable Task backend
/// refuses in an id (/ \ # ?) gets through and no two different triples give the same id.
/// </summary>
public static class JourneyInstanceId
{
    /// <summary>The id for an entry.</summary>
    public static string For(string customerId, string journeyId, string entryId)
    {
        Require(customerId, nameof(customerId));
        Require(journeyId, nameof(journeyId));
        Require(entryId, nameof(entryId));
        return $"j:{Uri.EscapeDataString(journeyId)}:{Uri.EscapeDataString(customerId)}:{Uri.EscapeDataString(entryId)}";
    }

    private static void Require(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} is required (a non-empty string).", name);
        }
    }
}
