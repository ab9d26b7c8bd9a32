namespace ScenarioEngine.Journeys.Ports;

/// <summary>A shared row's value as read, with the version a conditional write must carry.</summary>
/// <typeparam name="T">The value.</typeparam>
/// <param name="Value">The value, or null when there is no row yet.</param>
/// <param name="ETag">The row's version; empty when there is no row (the write then inserts one).</param>
public sealed record Versioned<T>(T? Value, string ETag)
    where T : class;
