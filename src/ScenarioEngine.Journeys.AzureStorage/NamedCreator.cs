using DurableTask.Core;

namespace ScenarioEngine.Journeys.AzureStorage;

/// <summary>A DurableTask.Core creator of the orchestration or activity registered under a name (made by the shim factory per work item).</summary>
/// <typeparam name="T">TaskOrchestration or TaskActivity.</typeparam>
internal sealed class NamedCreator<T> : ObjectCreator<T>
{
    private readonly Func<T> _create;

    public NamedCreator(string name, Func<T> create)
    {
        Name = name;
        Version = string.Empty;
        _create = create;
    }

    public override T Create() => _create();
}
