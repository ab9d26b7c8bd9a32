using Microsoft.DurableTask;

namespace ScenarioEngine.Functions.Journeys;

/// <summary>The activity context an activity function hands to a Journeys activity: its name and its orchestration's instance id.</summary>
internal sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    /// <inheritdoc />
    public override TaskName Name { get; } = name;

    /// <inheritdoc />
    public override string InstanceId { get; } = instanceId;
}
