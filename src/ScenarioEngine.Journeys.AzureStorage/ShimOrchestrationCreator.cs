using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Shims;

namespace ScenarioEngine.Journeys.AzureStorage;

/// <summary>Makes a DurableTask.Core orchestration of a Microsoft.DurableTask orchestrator, through the worker's public shim factory.</summary>
internal sealed class ShimOrchestrationCreator : ObjectCreator<TaskOrchestration>
{
    private readonly Func<ITaskOrchestrator> _factory;
    private readonly DurableTaskShimFactory _shims;

    public ShimOrchestrationCreator(string name, Func<ITaskOrchestrator> factory, DurableTaskShimFactory shims)
    {
        Name = name;
        Version = string.Empty;
        _factory = factory;
        _shims = shims;
    }

    public override TaskOrchestration Create() => _shims.CreateOrchestration(new TaskName(Name), _factory());
}
