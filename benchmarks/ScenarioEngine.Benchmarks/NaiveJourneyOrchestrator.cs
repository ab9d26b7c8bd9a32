using System.Globalization;
using Microsoft.DurableTask;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Recording;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Benchmarks;

/// <summary>
/// The naive orchestration of a journey that <see cref="JourneyThroughput"/> measures beside <see cref="JourneyOrchestrator"/>: the
/// shape a first Durable Functions version takes, one activity per step over the same activities and ports. A send step is one
/// journey-send activity (policy, claim, channel and outcome, as for the journey orchestrator: its outcome is the step's record); a
/// wait step one journey-record activity (the step entered, with the instance's state), then a durable timer; an exit step one
/// journey-record activity (the step entered and the exit). It does not use the journey machine, waits for no event, does not wait
/// again for a timer delivered early, handles no deferral and sets no retry policy; it runs send, wait (with "for") and exit steps only,
/// which is all the benchmark's journey has.
/// </summary>
internal sealed class NaiveJourneyOrchestrator(IJourneyCatalog catalog) : TaskOrchestrator<JourneyStart, string>
{
    private const string Completed = "completed";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, JourneyStart input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var journey = catalog.Find(input.JourneyId, input.Version)
            ?? throw new InvalidOperationException($"Journey '{input.JourneyId}' version {input.Version} is not in the catalog.");
        var now = Now(context);
        var instance = new JourneyInstance
        {
            InstanceId = context.InstanceId, JourneyId = journey.Id, Version = journey.Version, CustomerId = input.CustomerId,
            Status = InstanceStatus.Active, EnteredAt = now, Trigger = input.Trigger?.Properties ?? CustomerEvent.NoProperties,
        };
        var batch = 0;
        var stepId = journey.Start;
        for (var seq = 1; ; seq++)
        {
            var step = journey.Steps[stepId];
            now = Now(context);
            instance = instance with { Step = step.Id, Seq = seq, StepEnteredAt = now };
            switch (step)
            {
                case SendStep send:
                    var key = string.Create(CultureInfo.InvariantCulture, $"{context.InstanceId}/{seq}/{send.Id}");
                    await context.CallActivityAsync<SendOutcome>(SendActivity.Name, new SendCommand(instance.CustomerId, context.InstanceId, journey.Id,
                        journey.Version, send.Id, send.Medium, send.Message, send.Transactional, key, 1)).ConfigureAwait(true);
                    stepId = send.Next;
                    break;
                case WaitStep { For: { } duration } wait:
                    instance = instance with { WakeAt = duration.AddTo(now) };
                    await context.CallActivityAsync<int>(RecordActivity.Name,
                        new JourneyRecord(instance.CustomerId, context.InstanceId, journey.Id, journey.Version, ++batch, now, [new StepEntered(wait.Id, wait.Type)])
                        {
                            Instance = instance,
                        }).ConfigureAwait(true);
                    await context.CreateTimer(instance.WakeAt.Value.UtcDateTime, CancellationToken.None).ConfigureAwait(true);
                    stepId = wait.Next;
                    break;
                case ExitStep exit:
                    instance = instance with { Status = InstanceStatus.Exited, ExitedAt = now, ExitReason = Completed, WakeAt = null };
                    await context.CallActivityAsync<int>(RecordActivity.Name,
                        new JourneyRecord(instance.CustomerId, context.InstanceId, journey.Id, journey.Version, ++batch, now, [new StepEntered(exit.Id, exit.Type), new Exited(Completed)])
                        {
                            Instance = instance,
                        }).ConfigureAwait(true);
                    return Completed;
                default:
                    throw new NotSupportedException(
                        $"The naive orchestration runs send, wait (with \"for\") and exit steps; step '{step.Id}' of journey '{journey.Id}' is a {step.Type} step.");
            }
        }
    }

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc));
}
