namespace ScenarioEngine.Journeys.Storage;

/// <summary>Where the Table-backed journey ports keep the customers' rows.</summary>
public sealed class JourneyTableOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Journeys:Tables";

    /// <summary>The customers table (one partition per customer), the one the runtime and the API read.</summary>
    public string CustomersTable { get; set; } = "customers";

    /// <summary>The table of the rows every host shares for sending: the send-rate cursor and the circuit of each medium.</summary>
    public string SendingTable { get; set; } = "sending";

    /// <summary>How long a send stays in the customer's send history (the longest frequency-cap window needs it).</summary>
    public TimeSpan SendHistoryWindow { get; set; } = TimeSpan.FromDays(31);

    /// <summary>
    /// Whether sends and journey records write the customer's time line (true; the engine's <c>EngineOptions.Timeline</c>, off in a
    /// simulation, where nothing reads it).
    /// </summary>
    public bool Timeline { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(CustomersTable))
        {
            throw new ArgumentException($"{Section}:{nameof(CustomersTable)} is required (a table name).", nameof(CustomersTable));
        }

        if (string.IsNullOrWhiteSpace(SendingTable))
        {
            throw new ArgumentException($"{Section}:{nameof(SendingTable)} is required (a table name).", nameof(SendingTable));
        }

        if (SendHistoryWindow <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{Section}:{nameof(SendHistoryWindow)} must be positive, got {SendHistoryWindow}.", nameof(SendHistoryWindow));
        }
    }
}
