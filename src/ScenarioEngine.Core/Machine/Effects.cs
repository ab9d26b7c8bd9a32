using ScenarioEngine.Core.Language;

namespace ScenarioEngine.Core.Machine;

/// <summary>Something the runtime must do or record as a result of a step.</summary>
public abstract record Effect;

/// <summary>The customer entered a step.</summary>
public sealed record StepEntered(string StepId, string StepType) : Effect;

/// <summary>Send a message; the idempotency key is derived from instance, sequence and step, so a retry is recognised.</summary>
public sealed record SendRequested(string StepId, string Medium, string Message, bool Transactional, string IdempotencyKey) : Effect;

/// <summary>A send that a holdout customer did not receive (measured, not sent).</summary>
public sealed record SendHeldOut(string StepId, string Medium, string Message) : Effect;

/// <summary>Wake the instance at a time, unless it has moved on (the sequence differs).</summary>
public sealed record WakeScheduled(DateTimeOffset At, int Seq) : Effect;

/// <summary>The profile was updated by a step.</summary>
public sealed record ProfileUpdated(string StepId, IReadOnlyList<UpdateOperation> Operations) : Effect;

/// <summary>A decision and its reason (branch case, split variant, event or timeout), for "why" questions.</summary>
public sealed record DecisionMade(string StepId, string Outcome, string Reason) : Effect;

/// <summary>The goal was reached.</summary>
public sealed record Converted(string EventId) : Effect;

/// <summary>The instance exited.</summary>
public sealed record Exited(string Reason) : Effect;

/// <summary>An input that no longer applies (a stale timer, an event for an exited instance).</summary>
public sealed record Ignored(string Reason) : Effect;
