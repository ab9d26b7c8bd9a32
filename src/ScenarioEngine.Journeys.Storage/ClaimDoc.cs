using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Journeys.Storage;

/// <summary>The stored form of a send claim ("s|{key}" in the customer's partition).</summary>
/// <param name="ClaimedAt">When it was claimed (or settled without a claim).</param>
/// <param name="Medium">The medium, when claimed.</param>
/// <param name="Transactional">Whether the message was transactional.</param>
/// <param name="Counted">True while the send holds a place in the profile's send history (caps count it).</param>
/// <param name="Outcome">The recorded outcome; null while unknown (claimed, not recorded).</param>
internal sealed record ClaimDoc(DateTimeOffset ClaimedAt, string? Medium, bool Transactional, bool Counted, SendOutcome? Outcome) : IRowDocument<ClaimDoc>
{
    /// <summary>Itself: the document is immutable.</summary>
    public ClaimDoc Copy() => this;
}
