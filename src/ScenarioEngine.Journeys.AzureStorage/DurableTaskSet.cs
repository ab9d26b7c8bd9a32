using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using ScenarioEngine.Journeys.Profiles;
using ScenarioEngine.Journeys.Recording;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys.AzureStorage;

/// <summary>The orchestrators and activities a backend runs, by name, each made from the host's services for every work item.</summary>
public sealed class DurableTaskSet
{
    private readonly Dictionary<string, Func<IServiceProvider, ITaskOrchestrator>> _orchestrators = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<IServiceProvider, ITaskActivity>> _activities = new(StringComparer.Ordinal);

    /// <summary>The orchestrators by name.</summary>
    public IReadOnlyDictionary<string, Func<IServiceProvider, ITaskOrchestrator>> Orchestrators => _orchestrators;

    /// <summary>The activities by name.</summary>
    public IReadOnlyDictionary<string, Func<IServiceProvider, ITaskActivity>> Activities => _activities;

    /// <summary>The journey orchestrator and its activities.</summary>
    public static DurableTaskSet Journeys() => new DurableTaskSet()
        .AddOrchestrator<JourneyOrchestrator>(JourneyOrchestrator.Name)
        .AddActivity<SendActivity>(SendActivity.Name)
        .AddActivity<RecordActivity>(RecordActivity.Name)
        .AddActivity<ProfileActivity>(ProfileActivity.Name);

    /// <summary>Adds an orchestrator, constructed with <see cref="ActivatorUtilities"/>.</summary>
    public DurableTaskSet AddOrchestrator<T>(string name)
        where T : ITaskOrchestrator =>
        AddOrchestrator(name, sp => ActivatorUtilities.CreateInstance<T>(sp));

    /// <summary>Adds an orchestrator made by <paramref name="create"/> from the host's services for every work item.</summary>
    public DurableTaskSet AddOrchestrator(string name, Func<IServiceProvider, ITaskOrchestrator> create)
    {
        _orchestrators.Add(name, create);
        return this;
    }

    /// <summary>Adds an activity, constructed with <see cref="ActivatorUtilities"/>.</summary>
    public DurableTaskSet AddActivity<T>(string name)
        where T : ITaskActivity =>
        AddActivity(name, sp => ActivatorUtilities.CreateInstance<T>(sp));

    /// <summary>Adds an activity made by <paramref name="create"/> from the host's services for every work item.</summary>
    public DurableTaskSet AddActivity(string name, Func<IServiceProvider, ITaskActivity> create)
    {
        _activities.Add(name, create);
        return this;
    }
}
