namespace ScenarioEngine.Analytics;

/// <summary>One purchase by one customer: when it happened, how many items and how much was paid.</summary>
/// <param name="CustomerId">The customer's id, kept verbatim (leading zeros are significant).</param>
/// <param name="At">When the purchase happened; its calendar date (in its own offset) is the purchase day.</param>
/// <param name="Quantity">Number of items bought (zero or more).</param>
/// <param name="Amount">Amount paid (zero or more).</param>
public sealed record Purchase(string CustomerId, DateTimeOffset At, int Quantity, decimal Amount)
{
    /// <summary>The calendar day of the purchase in the offset it was recorded with.</summary>
    public DateOnly Day => DateOnly.FromDateTime(At.DateTime);
}
