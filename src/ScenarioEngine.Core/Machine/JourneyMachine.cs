using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Core.Machine;

/// <summary>An input to the step function.</summary>
public abstract record StepInput;

/// <summary>The customer enters the journey (optionally because of an event).</summary>
public sealed record EnterInput(string InstanceId, CustomerEvent? Event) : StepInput;

/// <summary>An event of the customer arrives.</summary>
public sealed record EventInput(CustomerEvent Event) : StepInput;

/// <summary>A timer fires for the instance's step with the given sequence.</summary>
public sealed record WakeInput(int Seq) : StepInput;

/// <summary>
/// The messages the instance sent on its way to the wait with the given sequence went out only now (the send policy deferred them):
/// a wait whose end counts from when it was entered (<c>for</c>, <c>atLocalTime</c>, a waitForEvent's timeout) counts from now
/// instead, so a deferred message does not shorten the wait after it; a wait until a set time or a profile date stays.
/// </summary>
public sealed record SentLateInput(int Seq) : StepInput;

/// <summary>Settings the step function needs that are not part of a journey.</summary>
/// <param name="DefaultTimeZone">The zone used for customers without one.</param>
/// <param name="MaxStepsPerInput">A guard against runaway step chains (validation already rejects loops with no wait).</param>
public sealed record MachineSettings(TimeZoneInfo DefaultTimeZone, int MaxStepsPerInput = 1000)
{
    /// <summary>Asia/Tokyo, the product's home market.</summary>
    public static readonly MachineSettings Default = new(LocalTime.FindZone("Asia/Tokyo") ?? TimeZoneInfo.Utc);

    /// <summary>The zone of a customer: their own, or the default.</summary>
    public TimeZoneInfo ZoneOf(CustomerProfile profile) => LocalTime.FindZone(profile.TimeZone) ?? DefaultTimeZone;
}

/// <summary>The result of one step: the new instance state, the profile (a new object only if an update step changed it) and the effects.</summary>
public readonly record struct StepResult(JourneyInstance Instance, CustomerProfile Profile, IReadOnlyList<Effect> Effects);

/// <summary>The journey state machine: a pure, deterministic function of (journey, state, input, profile, now).</summary>
public static class JourneyMachine
{
    /// <summary>Applies an input to an instance. For <see cref="EnterInput"/> the instance is created and <paramref name="instance"/> must be null.</summary>
    public static StepResult Step(Journey journey, JourneyInstance? instance, StepInput input, CustomerProfile profile, DateTimeOffset now, MachineSettings settings)
    {
        var run = new Run(journey, profile, now, settings);
        switch (input)
        {
            case EnterInput enter:
                if (instance is not null)
                {
                    throw new ArgumentException("An instance already exists; enter creates a new one.", nameof(instance));
                }

                run.Instance = new JourneyInstance
                {
                    InstanceId = enter.InstanceId,
                    JourneyId = journey.Id,
                    Version = journey.Version,
                    CustomerId = profile.CustomerId,
                    EnteredAt = now,
                    StepEnteredAt = now,
                    Holdout = IsHoldout(journey, profile.CustomerId),
                    GoalDeadline = journey.Goal is null ? null : journey.Goal.Within.AddTo(now),
                    Trigger = enter.Event?.Properties ?? CustomerEvent.NoProperties,
                };
                if (run.Instance.Holdout)
                {
                    run.Effects.Add(new DecisionMade("(entry)", "holdout", $"in the {journey.HoldoutPercent.ToString(CultureInfo.InvariantCulture)}% holdout group: measured, sent nothing"));
                }

                run.Advance(journey.Start, enter.Event);
                break;

            case EventInput e:
                run.Instance = instance ?? throw new ArgumentNullException(nameof(instance));
                run.OnEvent(e.Event);
                break;

            case WakeInput wake:
                run.Instance = instance ?? throw new ArgumentNullException(nameof(instance));
                run.OnWake(wake.Seq);
                break;

            case SentLateInput late:
                run.Instance = instance ?? throw new ArgumentNullException(nameof(instance));
                run.OnSentLate(late.Seq);
                break;

            default:
                throw new ArgumentException($"Unknown input {input.GetType().Name}.", nameof(input));
        }

        return new StepResult(run.Instance, run.Profile, run.Effects);
    }

    /// <summary>
    /// True when the timer wake of an instance waiting at <paramref name="waitingStepId"/> may read the customer's profile before the
    /// instance waits again or exits: the journey has an audience (checked at every step), or a step on the way branches, updates the
    /// profile, or waits until a profile date or a local time. Sends, splits, fixed waits, waits for events and exits read none (a send
    /// reads the current profile where it is sent), so a host may step such a wake with the profile it last had and save the read.
    /// Found once per journey object (<see cref="WakeProfileReads"/>).
    /// </summary>
    public static bool WakeReadsProfile(Journey journey, string waitingStepId)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(waitingStepId);
        if (!journey.Steps.ContainsKey(waitingStepId))
        {
            throw new ArgumentException($"Journey '{journey.Id}' version {journey.Version} has no step '{waitingStepId}'.", nameof(waitingStepId));
        }

        return WakeProfileReads.Of(journey).Contains(waitingStepId);
    }

    /// <summary>True when the customer falls in the journey's holdout group (stable per customer and journey).</summary>
    public static bool IsHoldout(Journey journey, string customerId) =>
        journey.HoldoutPercent > 0 && StableHash.Unit(customerId, journey.Id, "holdout") * 100 < journey.HoldoutPercent;

    /// <summary>The variant of a split a customer takes (stable per customer, journey and step).</summary>
    public static SplitVariant ChooseVariant(SplitStep split, string journeyId, string customerId)
    {
        var total = split.Variants.Sum(v => v.Weight);
        var point = StableHash.Unit(customerId, journeyId, split.Id) * total;
        foreach (var v in split.Variants)
        {
            if (point < v.Weight)
            {
                return v;
            }

            point -= v.Weight;
        }

        return split.Variants[^1];
    }

    private sealed class Run(Journey journey, CustomerProfile profile, DateTimeOffset now, MachineSettings settings)
    {
        private bool _profileCopied;

        public JourneyInstance Instance { get; set; } = null!;

        public CustomerProfile Profile { get; private set; } = profile;

        public List<Effect> Effects { get; } = new(4);

        private EvaluationContext Context(CustomerEvent? e) => new(Profile, e, Instance.Trigger, now);

        private CustomerEvent TriggerEvent() => new(Instance.InstanceId, "(trigger)", Instance.CustomerId, Instance.EnteredAt, Instance.Trigger);

        public void OnEvent(CustomerEvent e)
        {
            var context = Context(e);
            if (journey.Goal is { } goal && Instance.ConvertedAt is null && now <= Instance.GoalDeadline && goal.Match.Matches(e, context))
            {
                Instance = Instance with { ConvertedAt = now };
                Effects.Add(new Converted(e.Id));
            }

            if (Instance.Status != InstanceStatus.Active)
            {
                if (Effects.Count == 0)
                {
                    Effects.Add(new Ignored("instance has exited"));
                }

                return;
            }

            foreach (var exit in journey.ExitWhen)
            {
                if (exit.Matches(e, context))
                {
                    Exit($"exitEvent:{e.Type}");
                    return;
                }
            }

            if (Instance.Step is { } stepId && journey.Steps[stepId] is WaitForEventStep wait && wait.Match.Matches(e, context))
            {
                if (Instance.WakeAt <= now)
                {
                    // The timeout passed before this event was processed (a late timer): the timeout path is the truth.
                    OnWake(Instance.Seq);
                    return;
                }

                Effects.Add(new DecisionMade(stepId, wait.OnEvent, $"event {e.Type} ({e.Id}) arrived before the timeout"));
                Advance(wait.OnEvent, e);
            }
        }

        public void OnWake(int seq)
        {
            if (Instance.Status != InstanceStatus.Active || seq != Instance.Seq || Instance.WakeAt is null)
            {
                Effects.Add(new Ignored("stale timer: the instance has moved on"));
                return;
            }

            if (Instance.WakeAt > now)
            {
                // Woken early (a timer hop, or a sweep): keep waiting.
                Effects.Add(new WakeScheduled(Instance.WakeAt.Value, Instance.Seq));
                return;
            }

            switch (journey.Steps[Instance.Step!])
            {
                case WaitStep w:
                    Advance(w.Next, null);
                    break;
                case WaitForEventStep w:
                    Effects.Add(new DecisionMade(w.Id, w.OnTimeout, Reasons.Timeout(w)));
                    Advance(w.OnTimeout, null);
                    break;
                default:
                    Effects.Add(new Ignored("timer for a step that does not wait"));
                    break;
            }
        }

        public void OnSentLate(int seq)
        {
            if (Instance.Status != InstanceStatus.Active || seq != Instance.Seq || Instance.WakeAt is not { } wakeAt)
            {
                Effects.Add(new Ignored("no wait to move: the instance has moved on"));
                return;
            }

            var step = Instance.Step!;
            DateTimeOffset? due = journey.Steps[step] switch
            {
                WaitStep { Until: null, UntilAttribute: null } w => DueTime(w, null),
                WaitForEventStep w => w.Timeout.AddTo(now),
                _ => null,
            };
            if (due is null || due <= wakeAt)
            {
                Effects.Add(new Ignored("the wait ends at a set time"));
                return;
            }

            Instance = Instance with { StepEnteredAt = now, WakeAt = due };
            Effects.Add(new DecisionMade(step, step, string.Create(CultureInfo.InvariantCulture,
                $"the message before the wait went out late (deferred), at {now:u}: the wait counts from then, until {due.Value:u} instead of {wakeAt:u}")));
            Effects.Add(new WakeScheduled(due.Value, seq));
        }

        public void Advance(string stepId, CustomerEvent? e)
        {
            // The instance record is rebuilt once per input, not once per step: steps only move these locals.
            var seq = Instance.Seq;
            var current = stepId;
            DateTimeOffset? wakeAt = null;
            var variant = Instance.Variant;
            void Commit() => Instance = Instance with { Step = current, Seq = seq, StepEnteredAt = now, WakeAt = wakeAt, Variant = variant };

            var visited = ArrayPool<Step>.Shared.Rent(32);
            var count = 0;
            HashSet<Step>? many = null;
            try
            {
                for (var i = 0; i < settings.MaxStepsPerInput; i++)
                {
                    var step = journey.Steps[stepId];
                    if (!Visit(step, visited, ref count, ref many))
                    {
                        // A loop whose wait did not wait (zero length, or a date already past): never run a step twice for one input.
                        Commit();
                        Effects.Add(new DecisionMade(stepId, "exit", "loop without a real wait: each step runs at most once per input"));
                        Exit("runaway");
                        return;
                    }

                    seq++;
                    current = stepId;
                    Effects.Add(new StepEntered(stepId, step.Type));

                    // Without a current event (a timer), event.* in the audience means the event that started the instance.
                    if (journey.Audience is { } audience && !audience.Evaluate(Context(e ?? TriggerEvent())))
                    {
                        Commit();
                        Effects.Add(new DecisionMade(stepId, "exit", "no longer in the audience: " + Reasons.Describe(audience)));
                        Exit("audienceLost");
                        return;
                    }

                    switch (step)
                    {
                        case SendStep s:
                            if (Instance.Holdout)
                            {
                                Effects.Add(new SendHeldOut(s.Id, s.Medium, s.Message));
                            }
                            else
                            {
                                Effects.Add(new SendRequested(s.Id, s.Medium, s.Message, s.Transactional,
                                    string.Create(CultureInfo.InvariantCulture, $"{Instance.InstanceId}/{seq}/{s.Id}")));
                            }

                            stepId = s.Next;
                            break;

                        case WaitStep w:
                            var due = DueTime(w, e);
                            if (due is null || due <= now)
                            {
                                stepId = w.Next;
                                break;
                            }

                            wakeAt = due;
                            Effects.Add(new WakeScheduled(due.Value, seq));
                            Commit();
                            return;

                        case WaitForEventStep w:
                            wakeAt = w.Timeout.AddTo(now);
                            Effects.Add(new WakeScheduled(wakeAt.Value, seq));
                            Commit();
                            return;

                        case BranchStep b:
                            stepId = Branch(b, e);
                            break;

                        case SplitStep sp:
                            var chosen = ChooseVariant(sp, journey.Id, Profile.CustomerId);
                            variant = chosen.Name;
                            Effects.Add(new DecisionMade(sp.Id, chosen.Next, Reasons.Variant(sp, chosen)));
                            stepId = chosen.Next;
                            break;

                        case UpdateStep u:
                            ApplyUpdate(u);
                            stepId = u.Next;
                            break;

                        case ExitStep:
                            Commit();
                            Exit("completed");
                            return;
                    }
                }
            }
            finally
            {
                ArrayPool<Step>.Shared.Return(visited, clearArray: true);
            }

            Commit();
            Effects.Add(new DecisionMade(stepId, "exit", $"more than {settings.MaxStepsPerInput} steps without a wait"));
            Exit("runaway");
        }

        private static bool Visit(Step step, Step[] visited, ref int count, ref HashSet<Step>? many)
        {
            if (many is not null)
            {
                return many.Add(step);
            }

            for (var i = 0; i < count; i++)
            {
                if (ReferenceEquals(visited[i], step))
                {
                    return false;
                }
            }

            if (count == visited.Length)
            {
                many = new HashSet<Step>(visited, ReferenceEqualityComparer.Instance);
                return many.Add(step);
            }

            visited[count++] = step;
            return true;
        }

        private string Branch(BranchStep b, CustomerEvent? e)
        {
            var context = Context(e);
            for (var i = 0; i < b.Cases.Count; i++)
            {
                if (b.Cases[i].When.Evaluate(context))
                {
                    Effects.Add(new DecisionMade(b.Id, b.Cases[i].Next, Reasons.Case(b.Cases[i], i)));
                    return b.Cases[i].Next;
                }
            }

            Effects.Add(new DecisionMade(b.Id, b.Otherwise, "otherwise: no case matched"));
            return b.Otherwise;
        }

        private DateTimeOffset? DueTime(WaitStep w, CustomerEvent? e)
        {
            var due = now;
            if (w.For is { } d)
            {
                due = d.AddTo(now);
            }

            if (w.Until is { } until)
            {
                due = until;
            }

            if (w.UntilAttribute is { } attr)
            {
                if (!Context(e).Resolve(attr).TryGetTime(out var t))
                {
                    Effects.Add(new DecisionMade(w.Id, w.Next, $"{attr} is missing or not a date: not waiting"));
                    return null;
                }

                due = w.UntilOffset.AddTo(t);
            }

            if (w.AtLocalTime is { } at)
            {
                due = LocalTime.NextAt(due, at, settings.ZoneOf(Profile));
            }

            return due;
        }

        private void ApplyUpdate(UpdateStep u)
        {
            if (!_profileCopied)
            {
                Profile = Profile.Clone();
                _profileCopied = true;
            }

            ProfileUpdates.Apply(Profile, u.Operations);
            Effects.Add(new ProfileUpdated(u.Id, u.Operations));
        }

        private void Exit(string reason)
        {
            Instance = Instance with { Status = InstanceStatus.Exited, ExitedAt = now, ExitReason = reason, WakeAt = null };
            Effects.Add(new Exited(reason));
        }
    }
}

/// <summary>Decision texts, built once per journey element and cached: the hot path explains itself without formatting strings.</summary>
internal static class Reasons
{
    private static readonly ConditionalWeakTable<object, string> Cache = new();

    // Each public method only looks up; the texts (and any closures) are made in separate methods, so a hit allocates nothing.
    public static string Describe(Condition c) => Cache.TryGetValue(c, out var t) ? t : Add(c, c.Describe());

    public static string Case(BranchCase c, int index) =>
        Cache.TryGetValue(c, out var t) ? t : Add(c, $"case {(index + 1).ToString(CultureInfo.InvariantCulture)}: {c.When.Describe()}");

    public static string Variant(SplitStep split, SplitVariant v) => Cache.TryGetValue(v, out var t) ? t : MakeVariant(split, v);

    public static string Timeout(WaitForEventStep w) => Cache.TryGetValue(w, out var t) ? t : Add(w, $"no {w.Match.Event} event within {w.Timeout}");

    private static string MakeVariant(SplitStep split, SplitVariant v) =>
        Add(v, $"variant {v.Name} (weight {v.Weight.ToString(CultureInfo.InvariantCulture)} of {split.Variants.Sum(x => x.Weight).ToString(CultureInfo.InvariantCulture)})");

    private static string Add(object key, string text)
    {
        Cache.AddOrUpdate(key, text);
        return text;
    }
}

/// <summary>Applies profile update operations.</summary>
public static class ProfileUpdates
{
    /// <summary>Applies the operations to a profile in place (the caller owns the copy).</summary>
    public static void Apply(CustomerProfile profile, IEnumerable<UpdateOperation> operations)
    {
        foreach (var op in operations)
        {
            switch (op.Kind)
            {
                case UpdateKind.Set:
                    profile.Attributes[op.Name] = op.Value;
                    break;
                case UpdateKind.Increment:
                    var current = profile.Attributes.TryGetValue(op.Name, out var v) && v.TryGetNumber(out var n) ? n : 0;
                    profile.Attributes[op.Name] = Value.From(current + op.Value.AsNumber);
                    break;
                case UpdateKind.Unset:
                    profile.Attributes.Remove(op.Name);
                    break;
                case UpdateKind.AddTag:
                    profile.Tags.Add(op.Name);
                    break;
                case UpdateKind.RemoveTag:
                    profile.Tags.Remove(op.Name);
                    break;
            }
        }
    }
}
