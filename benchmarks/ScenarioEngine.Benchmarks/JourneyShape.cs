using DurableTask.AzureStorage;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Journeys;
using ScenarioEngine.Journeys.AzureStorage;
using ScenarioEngine.Journeys.Recording;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Benchmarks;

/// <summary>
/// An orchestration shape <see cref="JourneyThroughput"/> runs a journey in: the journey orchestrator on the host's backend settings, or
/// <see cref="NaiveJourneyOrchestrator"/> on DurableTask.AzureStorage's default settings. Both are registered under the journey
/// orchestrator's name, so ingest starts either the same way, and both call the same activities over the same ports.
/// </summary>
internal sealed record JourneyShape(string Name, string Description, bool Naive)
{
    public static JourneyShape Orchestrator { get; } = new("orchestrator", "journey orchestrator, the host's backend settings", Naive: false);

    public static JourneyShape OneActivityPerStep { get; } = new("naive", "naive, one activity per step, default backend settings", Naive: true);

    /// <summary>The orchestrator and the activities it calls.</summary>
    public DurableTaskSet Tasks() => Naive
        ? new DurableTaskSet().AddOrchestrator<NaiveJourneyOrchestrator>(JourneyOrchestrator.Name)
            .AddActivity<SendActivity>(SendActivity.Name).AddActivity<RecordActivity>(RecordActivity.Name)
        : DurableTaskSet.Journeys();

    /// <summary>
    /// The host's settings (<see cref="DurableTaskJourneyBackend.Settings"/>), or for the naive shape DurableTask.AzureStorage's defaults
    /// (polling backing off to 30 s, ExecutionStarted de-duplication on) with the host's task hub, storage clients and worker id scheme.
    /// </summary>
    public AzureStorageOrchestrationServiceSettings Settings(AzureStorageJourneyBackendOptions options, ILoggerFactory loggerFactory)
    {
        var host = DurableTaskJourneyBackend.Settings(options, loggerFactory);
        return Naive
            ? new AzureStorageOrchestrationServiceSettings
            {
                TaskHubName = host.TaskHubName,
                StorageAccountClientProvider = host.StorageAccountClientProvider,
                WorkerId = host.WorkerId,
                LoggerFactory = loggerFactory,
            }
            : host;
    }
}
