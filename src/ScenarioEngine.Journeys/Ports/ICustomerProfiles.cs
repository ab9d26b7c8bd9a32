using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Journeys.Ports;

/// <summary>Reads a customer's current profile from the customer's partition (for a step taken on a timer wake).</summary>
public interface ICustomerProfiles
{
    /// <summary>
    /// The profile as stored now; an empty profile for a customer with none stored. For reading: it may share the stored document's
    /// collections, so a caller that changes it clones it first (as <see cref="Core.Machine.JourneyMachine"/> does before a profile update).
    /// </summary>
    Task<CustomerProfile> ReadAsync(string customerId, CancellationToken cancellationToken = default);
}
