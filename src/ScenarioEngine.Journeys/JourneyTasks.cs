using Microsoft.DurableTask;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Profiles;
using ScenarioEngine.Journeys.Recording;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys;

/// <summary>Registers the journey orchestrator and its activities with a Durable Task worker.</summary>
public static class JourneyTasks
{
    /// <summary>
    /// Adds <see cref="JourneyOrchestrator"/> (orchestrators are not made from the worker's services, so its catalog and options are
    /// given here), <see cref="SendActivity"/>, <see cref="RecordActivity"/> and <see cref="ProfileActivity"/> (whose ports come from the worker's services:
    /// the send activity also needs a singleton <see cref="SendGate"/>, with <see cref="SendingOptions"/>, <see cref="ISendRates"/> and <see cref="IChannelCircuits"/>).
    /// </summary>
    public static DurableTaskRegistry AddJourneyTasks(this DurableTaskRegistry registry, IJourneyCatalog catalog, JourneyOrchestrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return registry.AddOrchestrator(JourneyOrchestrator.Name, () => new JourneyOrchestrator(catalog, options))
            .AddActivity<SendActivity>().AddActivity<RecordActivity>().AddActivity<ProfileActivity>();
    }
}
