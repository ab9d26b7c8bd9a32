using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Shims;

namespace ScenarioEngine.Journeys.AzureStorage;

/// <summary>Makes a DurableTask.Core activity of a Microsoft.DurableTask activity, through the worker's public shim factory.</summary>
internal sealed class ShimActivityCreator : ObjectCreator<TaskActivity>
{
    private readonly Func<ITaskActivity> _factory;
    private readonly DurableTaskShimFactory _shims;

    public ShimActivityCreator(string name, Func<ITaskActivity> factory, DurableTaskShimFactory shims)
    {
        Name = name;
        Version = string.Empty;
        _factory = factory;
        _shims = shims;
    }

    public override TaskActivity Create() => _shims.CreateActivity(new TaskName(Name), _factory());
}
