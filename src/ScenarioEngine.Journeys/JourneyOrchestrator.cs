using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Profiles;
using ScenarioEngine.Journeys.Recording;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Journeys;

/// <summary>
/// One customer's entry into one journey version, as a Durable Task orchestration around the pure <see cref="JourneyMachine"/>.
/// The machine decides; this loop turns its effects into durable actions: sends into <see cref="SendActivity"/> (a deferral into a
/// durable timer and a new attempt), every other effect of a wait point into one record batch (carried by the segment's first
/// send, or by one <see cref="RecordActivity"/>), and each wait into the instance's one external event (<see cref="JourneyEvents.Name"/>)
/// raced against a durable timer at the machine's wake time (a wait after a deferred send counts from the attempt that sends); a timer wake whose next steps read the profile
/// (<see cref="JourneyMachine.WakeReadsProfile"/>) first reads the customer's current one (<see cref="ProfileActivity"/>), an event
/// brings its own. Time is <c>CurrentUtcDateTime</c>; no I/O, clock or randomness here.
/// After <see cref="JourneyOrchestrationOptions.MaxWaitPointsPerExecution"/> wait points it continues as new with its state.
/// </summary>
[DurableTask(Name)]
public sealed class JourneyOrchestrator(IJourneyCatalog catalog, JourneyOrchestrationOptions options) : TaskOrchestrator<JourneyStart, JourneyOutcome>
{
    /// <summary>The orchestration name.</summary>
    public const string Name = "journey";

    /// <summary>How many of the latest event ids an instance remembers to ignore a second delivery of the same event.</summary>
    public const int MaxSeenEvents = 64;

    private readonly JourneyOrchestrationOptions _options = Validated(options);

    /// <inheritdoc />
    public override async Task<JourneyOutcome> RunAsync(TaskOrchestrationContext context, JourneyStart input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        input.Validate();
        var journey = catalog.Find(input.JourneyId, input.Version)
            ?? throw new InvalidOperationException($"Journey '{input.JourneyId}' version {input.Version} is not in the catalog; the instance cannot run another version.");
        var run = new Run(context, journey, input, _options, context.CreateReplaySafeLogger<JourneyOrchestrator>());
        return await run.ExecuteAsync().ConfigureAwait(true);
    }

    private static JourneyOrchestrationOptions Validated(JourneyOrchestrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    /// <summary>One execution of one instance.</summary>
    private sealed class Run(TaskOrchestrationContext context, Journey journey, JourneyStart input, JourneyOrchestrationOptions options, ILogger logger)
    {
        private readonly TaskOptions _activityOptions = TaskOptions.FromRetryPolicy(
            new RetryPolicy(options.MaxActivityAttempts, options.ActivityRetryInterval, backoffCoefficient: 2));

        private JourneyInstance _instance = null!;
        private CustomerProfile _profile = input.Profile;
        private int _batches = input.Progress?.Batches ?? 0;

        // The latest events handled (ingest raises an event again when its queue message is redelivered): each is handled once.
        private readonly List<string> _seen = input.Progress?.SeenEvents?.ToList() ?? (input.Trigger is { } trigger ? [trigger.Id] : []);

        private DateTimeOffset Now => new(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc));

        public async Task<JourneyOutcome> ExecuteAsync()
        {
            var generation = input.Progress?.Generation ?? 0;
            if (input.Progress is { } progress)
            {
                _instance = progress.Instance;
            }
            else
            {
                Log.Entered(logger, context.InstanceId, journey.Id, journey.Version);
                await StepAsync(null, new EnterInput(context.InstanceId, input.Trigger)).ConfigureAwait(true);
            }

            for (var waitPoints = 0; _instance.IsLive(Now); waitPoints++)
            {
                if (waitPoints == options.MaxWaitPointsPerExecution)
                {
                    Log.ContinuedAsNew(logger, context.InstanceId, generation + 1, waitPoints);
                    context.ContinueAsNew(input with { Profile = _profile, Progress = new JourneyProgress(_instance, _batches, generation + 1) { SeenEvents = _seen } });
                    return Outcome(generation);
                }

                var next = await WaitAsync().ConfigureAwait(true);
                if (next is null)
                {
                    break;
                }

                await StepAsync(_instance, next).ConfigureAwait(true);
            }

            Log.Finished(logger, context.InstanceId, _instance.ExitReason);
            return Outcome(generation);
        }

        private JourneyOutcome Outcome(int generation) =>
            new(context.InstanceId, journey.Id, journey.Version, _instance.ExitReason, _instance.Step, _instance.Seq, _instance.ConvertedAt is not null, generation);

        /// <summary>Waits for the next customer event or the wake time; null when an exited instance's goal window closed.</summary>
        private async Task<StepInput?> WaitAsync()
        {
            var until = _instance.Status == InstanceStatus.Active ? _instance.WakeAt : _instance.GoalDeadline;
            if (until is null)
            {
                throw new InvalidOperationException($"Instance {context.InstanceId} is live at step '{_instance.Step}' but has no wake time.");
            }

            while (true)
            {
                using var cancel = new CancellationTokenSource();
                var customerEvent = context.WaitForExternalEvent<JourneyEventDelivery>(JourneyEvents.Name, cancel.Token);
                var timer = context.CreateTimer((until.Value + options.TimerPadding).UtcDateTime, cancel.Token);
                var first = await Task.WhenAny(customerEvent, timer).ConfigureAwait(true);
                // Cancel synchronously: CancelAsync could run the loser's continuation off the orchestration's thread.
#pragma warning disable CA1849
                cancel.Cancel();
#pragma warning restore CA1849
                if (first != customerEvent)
                {
                    // A timer that still fires early (a backend's clock): wait on for the rest (events still win), so the wake neither
                    // comes before its time nor reads the profile again and again until the clock passes it.
                    if (Now < until.Value)
                    {
                        Log.TimerEarly(logger, context.InstanceId, until.Value - Now, until.Value);
                        continue;
                    }

                    break;
                }

                var delivery = await customerEvent.ConfigureAwait(true);
                if (_seen.Contains(delivery.Event.Id))
                {
                    Log.DuplicateEvent(logger, context.InstanceId, delivery.Event.Id);
                    continue;
                }

                _seen.Add(delivery.Event.Id);
                if (_seen.Count > MaxSeenEvents)
                {
                    _seen.RemoveAt(0);
                }

                _profile = delivery.Profile;
                return new EventInput(delivery.Event);
            }

            if (_instance.Status != InstanceStatus.Active)
            {
                return null;
            }

            // The profile travels with events only; a wake whose next steps read it reads the current one, so a change since the last
            // event is seen. A wake that only sends, splits or waits again steps without the read: each send reads the current profile.
            if (JourneyMachine.WakeReadsProfile(journey, _instance.Step!))
            {
                var current = await context.CallActivityAsync<CustomerProfileSnapshot>(ProfileActivity.Name, _instance.CustomerId, _activityOptions).ConfigureAwait(true);
                _profile = current.Profile;
            }

            return new WakeInput(_instance.Seq);
        }

        private async Task StepAsync(JourneyInstance? instance, StepInput stepInput)
        {
            var result = JourneyMachine.Step(journey, instance, stepInput, _profile, Now, options.Machine);
            _instance = result.Instance;
            _profile = result.Profile;

            var recorded = new List<Effect>(result.Effects.Count);
            var sends = new List<SendRequested>();
            foreach (var effect in result.Effects)
            {
                switch (effect)
                {
                    case SendRequested send:
                        sends.Add(send);
                        break;
                    case WakeScheduled or Ignored:
                        // The wake time is the instance's own; an ignored input changes nothing worth a write.
                        break;
                    default:
                        recorded.Add(effect);
                        break;
                }
            }

            var record = recorded.Count == 0
                ? null
                : new JourneyRecord(_instance.CustomerId, context.InstanceId, journey.Id, journey.Version, ++_batches, Now, recorded) { Instance = _instance };
            if (sends.Count == 0)
            {
                if (record is not null)
                {
                    await context.CallActivityAsync<int>(RecordActivity.Name, record, _activityOptions).ConfigureAwait(true);
                }

                return;
            }

            foreach (var send in sends)
            {
                var command = new SendCommand(_instance.CustomerId, context.InstanceId, journey.Id, journey.Version, send.StepId, send.Medium, send.Message,
                    send.Transactional, send.IdempotencyKey, 1) { Record = record, Trigger = _instance.Trigger };
                record = null;
                await SendAsync(command).ConfigureAwait(true);
            }
        }

        // Deferrals by the send gate (rate, open circuit) wait for room or for the provider and do not use up MaxSendAttempts.
        private async Task SendAsync(SendCommand command)
        {
            var counted = 0;
            while (true)
            {
                var outcome = await context.CallActivityAsync<SendOutcome>(SendActivity.Name, command, _activityOptions).ConfigureAwait(true);
                if (!SendGate.Held(outcome))
                {
                    counted++;
                }

                if (outcome.Status != SendStatus.Deferred || outcome.RetryAt is not { } retryAt)
                {
                    return;
                }

                // A send awaiting its settlement stands claimed: giving up on it would leave its outcome unknown, so it is asked again.
                if (counted >= options.MaxSendAttempts && outcome.Settlement is null)
                {
                    var giveUp = command with
                    {
                        Attempt = command.Attempt + 1, Record = WaitFromNow(), ReservedWindow = null,
                        GiveUp = $"gave up after {counted.ToString(CultureInfo.InvariantCulture)} deferred attempts (last: {outcome.Reason})",
                    };
                    await context.CallActivityAsync<SendOutcome>(SendActivity.Name, giveUp, _activityOptions).ConfigureAwait(true);
                    return;
                }

                Log.SendDeferred(logger, command.IdempotencyKey, retryAt, outcome.Reason);
                await context.CreateTimer((retryAt + options.TimerPadding).UtcDateTime, CancellationToken.None).ConfigureAwait(true);
                command = command with { Attempt = command.Attempt + 1, Record = WaitFromNow(), ReservedWindow = outcome.ReservedWindow };
            }
        }

        // A deferred send's next attempt is when its message goes out: the wait the machine entered after it counts from now
        // (JourneyMachine's SentLateInput), and the moved wake rides on the attempt as a record batch ("why" and the instance row).
        private JourneyRecord? WaitFromNow()
        {
            var result = JourneyMachine.Step(journey, _instance, new SentLateInput(_instance.Seq), _profile, Now, options.Machine);
            if (result.Instance == _instance)
            {
                return null;
            }

            _instance = result.Instance;
            return new JourneyRecord(_instance.CustomerId, context.InstanceId, journey.Id, journey.Version, ++_batches, Now,
                result.Effects.Where(e => e is DecisionMade).ToList()) { Instance = _instance };
        }
    }
}
