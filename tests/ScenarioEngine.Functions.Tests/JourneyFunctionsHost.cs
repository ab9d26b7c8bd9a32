using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using ScenarioEngine.Functions.Journeys;
using ScenarioEngine.Journeys;
using ScenarioEngine.Journeys.Profiles;
using ScenarioEngine.Journeys.Recording;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Functions.Tests;

/// <summary>
/// The in-memory Durable Task test host whose orchestrator and activities are the Functions app's own wrappers
/// (<see cref="JourneyFunctions"/>), each invocation reading its services from the given provider, so every durable call goes
/// through a function as the Durable Functions extension would make it.
/// </summary>
internal static class JourneyFunctionsHost
{
    /// <summary>A function invocation's context: what the wrappers read from it is its services.</summary>
    public static FunctionContext Invocation(IServiceProvider services)
    {
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.InstanceServices).Returns(services);
        return context.Object;
    }

    /// <summary>Starts the test host over <paramref name="services"/>.</summary>
    public static async Task<DurableTaskTestHost> StartAsync(IServiceProvider services)
    {
        var invocation = Invocation(services);
        // The test host picks a free port and binds it later; another process can take it in between, so a start is tried again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DurableTaskTestHost.StartAsync(r => r
                    .AddOrchestratorFunc<JourneyStart, JourneyOutcome>(JourneyOrchestrator.Name, (context, _) => JourneyFunctions.Journey(context, invocation))
                    .AddActivityFunc<SendCommand, SendOutcome>(SendActivity.Name, (context, input) => JourneyFunctions.Send(input, context.InstanceId, invocation))
                    .AddActivityFunc<JourneyRecord, int>(RecordActivity.Name, (context, input) => JourneyFunctions.Record(input, context.InstanceId, invocation))
                    .AddActivityFunc<string, CustomerProfileSnapshot>(ProfileActivity.Name, (context, input) => JourneyFunctions.Profile(input, context.InstanceId, invocation)),
                    new DurableTaskTestHostOptions { LoggerFactory = NullLoggerFactory.Instance }).ConfigureAwait(false);
            }
            catch (IOException) when (attempt < 3)
            {
            }
        }
    }
}
