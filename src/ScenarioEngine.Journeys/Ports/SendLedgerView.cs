using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;

namespace ScenarioEngine.Journeys.Ports;

/// <summary>A read of the send ledger.</summary>
/// <param name="Profile">The customer's profile (consent, suppression, time zone).</param>
/// <param name="History">Messages already sent or claimed, by any journey.</param>
/// <param name="Claim">The claim standing for the key read, or null.</param>
/// <param name="ETag">The ledger's version, for <see cref="ISendLedger.TryClaimAsync"/>.</param>
public sealed record SendLedgerView(CustomerProfile Profile, IReadOnlyCollection<SentMessage> History, SendClaim? Claim, string ETag);

/// <summary>A standing claim: a send was started under this key; <paramref name="Outcome"/> is null while its result is not recorded.</summary>
/// <param name="ClaimedAt">When it was claimed.</param>
/// <param name="Outcome">The recorded outcome, or null (claimed, outcome unknown).</param>
public sealed record SendClaim(DateTimeOffset ClaimedAt, SendOutcome? Outcome);

/// <summary>A claim to write.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="IdempotencyKey">The send's key.</param>
/// <param name="Medium">The medium (counted against caps).</param>
/// <param name="Transactional">Transactional messages do not count against caps.</param>
/// <param name="At">When.</param>
public sealed record SendClaimRequest(string CustomerId, string IdempotencyKey, string Medium, bool Transactional, DateTimeOffset At)
{
    /// <summary>The wait point's record batch the send carries (<see cref="SendCommand.Record"/>), written with the claim; null when none.</summary>
    public JourneyRecord? Record { get; init; }
}
