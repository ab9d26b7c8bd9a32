using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Core.Machine;

/// <summary>Whether an instance is still running.</summary>
public enum InstanceStatus
{
    /// <summary>Running: at a step, possibly waiting.</summary>
    Active,
    /// <summary>Finished (completed, exit event, audience lost); still measured for its goal window.</summary>
    Exited,
}

/// <summary>The state of one customer's run through one version of a journey.</summary>
public sealed record JourneyInstance
{
    /// <summary>Unique id of the instance (journey id and entry number).</summary>
    public required string InstanceId { get; init; }

    /// <summary>The journey id.</summary>
    public required string JourneyId { get; init; }

    /// <summary>The journey version the customer entered; they stay on it.</summary>
    public required int Version { get; init; }

    /// <summary>The customer.</summary>
    public required string CustomerId { get; init; }

    /// <summary>Active or exited.</summary>
    public InstanceStatus Status { get; init; }

    /// <summary>The current (or last) step id.</summary>
    public string? Step { get; init; }

    /// <summary>Counts steps entered; part of idempotency keys, and a timer whose sequence differs is stale.</summary>
    public int Seq { get; init; }

    /// <summary>When the current wait ends (wait step) or times out (waitForEvent step).</summary>
    public DateTimeOffset? WakeAt { get; init; }

    /// <summary>When the customer entered.</summary>
    public DateTimeOffset EnteredAt { get; init; }

    /// <summary>When the current step was entered.</summary>
    public DateTimeOffset StepEnteredAt { get; init; }

    /// <summary>When the instance exited.</summary>
    public DateTimeOffset? ExitedAt { get; init; }

    /// <summary>Why it exited: completed, exitEvent:&lt;type&gt;, audienceLost.</summary>
    public string? ExitReason { get; init; }

    /// <summary>True for a holdout customer: measured, but sent nothing.</summary>
    public bool Holdout { get; init; }

    /// <summary>The last split variant taken, if any.</summary>
    public string? Variant { get; init; }

    /// <summary>The end of the goal window.</summary>
    public DateTimeOffset? GoalDeadline { get; init; }

    /// <summary>When the goal was reached.</summary>
    public DateTimeOffset? ConvertedAt { get; init; }

    /// <summary>The properties of the event that started the instance (for templates and trigger.* conditions).</summary>
    public IReadOnlyDictionary<string, Value> Trigger { get; init; } = CustomerEvent.NoProperties;

    /// <summary>True while the instance can still change (active, or inside an open goal window).</summary>
    public bool IsLive(DateTimeOffset now) => Status == InstanceStatus.Active || (ConvertedAt is null && GoalDeadline >= now);
}
