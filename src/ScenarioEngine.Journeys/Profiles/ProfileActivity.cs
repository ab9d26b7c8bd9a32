using Microsoft.DurableTask;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Journeys.Profiles;

/// <summary>Reads the customer's current profile for a step taken on a timer wake (one call per timer wake; events carry theirs).</summary>
[DurableTask(Name)]
public sealed class ProfileActivity(ICustomerProfiles profiles) : TaskActivity<string, CustomerProfileSnapshot>
{
    /// <summary>The activity name.</summary>
    public const string Name = "journey-profile";

    /// <inheritdoc />
    public override async Task<CustomerProfileSnapshot> RunAsync(TaskActivityContext context, string input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            throw new ArgumentException("The profile activity's input is the customer id (a non-empty string).", nameof(input));
        }

        return new CustomerProfileSnapshot(await profiles.ReadAsync(input).ConfigureAwait(false));
    }
}
