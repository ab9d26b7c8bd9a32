using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using ScenarioEngine.Journeys;
using ScenarioEngine.Journeys.Profiles;
using ScenarioEngine.Journeys.Recording;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Functions.Journeys;

/// <summary>
/// The journey orchestration and its activities as Durable Functions: one thin trigger per task of
/// <see cref="JourneyTasks.AddJourneyTasks"/>, named as the task, each running the Journeys library's own class made from the
/// invocation's services (as the standalone host makes them from its own), in the shape the Durable Task source generator writes
/// for class-based tasks. No journey logic here.
/// </summary>
public static class JourneyFunctions
{
    /// <summary>
    /// Runs <see cref="JourneyOrchestrator"/> (its catalog and options from the app's services). Replays must stay synchronous
    /// apart from durable tasks: the orchestrator is made and called without awaiting anything else.
    /// </summary>
    [Function(JourneyOrchestrator.Name)]
    public static Task<JourneyOutcome> Journey([OrchestrationTrigger] TaskOrchestrationContext context, FunctionContext executionContext)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(executionContext);
        var orchestrator = ActivatorUtilities.CreateInstance<JourneyOrchestrator>(executionContext.InstanceServices);
        return orchestrator.RunAsync(context, context.GetInput<JourneyStart>()!);
    }

    /// <summary>Runs <see cref="SendActivity"/> (ledger, recorder, channel, send policy and clock from the app's services).</summary>
    [Function(SendActivity.Name)]
    public static Task<SendOutcome> Send([ActivityTrigger] SendCommand input, string instanceId, FunctionContext executionContext) =>
        RunAsync<SendActivity, SendCommand, SendOutcome>(SendActivity.Name, input, instanceId, executionContext);

    /// <summary>Runs <see cref="RecordActivity"/> (the recorder from the app's services).</summary>
    [Function(RecordActivity.Name)]
    public static Task<int> Record([ActivityTrigger] JourneyRecord input, string instanceId, FunctionContext executionContext) =>
        RunAsync<RecordActivity, JourneyRecord, int>(RecordActivity.Name, input, instanceId, executionContext);

    /// <summary>Runs <see cref="ProfileActivity"/> (the customer profiles from the app's services).</summary>
    [Function(ProfileActivity.Name)]
    public static Task<CustomerProfileSnapshot> Profile([ActivityTrigger] string input, string instanceId, FunctionContext executionContext) =>
        RunAsync<ProfileActivity, string, CustomerProfileSnapshot>(ProfileActivity.Name, input, instanceId, executionContext);

    private static Task<TOutput> RunAsync<TActivity, TInput, TOutput>(string name, TInput input, string instanceId, FunctionContext executionContext)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        ArgumentNullException.ThrowIfNull(executionContext);
        var activity = ActivatorUtilities.CreateInstance<TActivity>(executionContext.InstanceServices);
        return activity.RunAsync(new FunctionActivityContext(name, instanceId), input);
    }
}
