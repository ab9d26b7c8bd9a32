using Microsoft.DurableTask;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Journeys.Tests;

/// <summary>The naive shape measured beside the journey orchestrator: one activity per step (record it, and send for a send step), a timer per wait.</summary>
internal sealed class NaiveJourneyOrchestrator(IJourneyCatalog catalog) : TaskOrchestrator<JourneyStart, string>
{
    public const string Name = "naive-journey";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, JourneyStart input)
    {
        var journey = catalog.Find(input.JourneyId, input.Version)!;
        var stepId = journey.Start;
        for (var seq = 1; ; seq++)
        {
            var step = journey.Steps[stepId];
            await context.CallActivityAsync<bool>(NaiveStepActivity.Name, new NaiveStep(input.CustomerId, context.InstanceId, journey.Id, seq, step.Id, step.Type, (step as SendStep)?.Message));
            switch (step)
            {
                case SendStep s:
                    stepId = s.Next;
                    break;
                case WaitStep w:
                    await context.CreateTimer(w.For!.Value.Time, CancellationToken.None);
                    stepId = w.Next;
                    break;
                default:
                    return "completed";
            }
        }
    }
}

internal sealed record NaiveStep(string CustomerId, string InstanceId, string JourneyId, int Seq, string StepId, string Type, string? Message);

internal sealed class NaiveStepActivity(IJourneyRecorder recorder, ISendChannel channel) : TaskActivity<NaiveStep, bool>
{
    public const string Name = "naive-step";

    public override async Task<bool> RunAsync(TaskActivityContext context, NaiveStep input)
    {
        await recorder.RecordAsync(new JourneyRecord(input.CustomerId, input.InstanceId, input.JourneyId, 1, input.Seq, DateTimeOffset.UtcNow, [new StepEntered(input.StepId, input.Type)]));
        if (input.Message is { } message)
        {
            await channel.SendAsync(new SendCommand(input.CustomerId, input.InstanceId, input.JourneyId, 1, input.StepId, "webhook", message, false, $"{input.InstanceId}/{input.Seq}", 1), TestJourneys.Profile(input.CustomerId));
        }

        return true;
    }
}
