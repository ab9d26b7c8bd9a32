using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Core.Language;

/// <summary>A parsed, validated journey: who enters, the steps they go through, and how success is measured.</summary>
public sealed record Journey
{
    /// <summary>Stable id (kebab-case), the same across versions.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Published version number; 0 for a draft.</summary>
    public int Version { get; init; }

    /// <summary>What starts an instance.</summary>
    public required Trigger Trigger { get; init; }

    /// <summary>Who may enter and stay; re-checked at every step. Null means everyone.</summary>
    public Condition? Audience { get; init; }

    /// <summary>Whether a customer may enter again.</summary>
    public ReentryRule Reentry { get; init; } = ReentryRule.Never;

    /// <summary>Events that end an instance at once.</summary>
    public IReadOnlyList<EventMatch> ExitWhen { get; init; } = [];

    /// <summary>The conversion that measures the journey, if any.</summary>
    public Goal? Goal { get; init; }

    /// <summary>Percentage (0 to 100) of entrants held out: they are measured but receive nothing.</summary>
    public double HoldoutPercent { get; init; }

    /// <summary>The first step.</summary>
    public required string Start { get; init; }

    /// <summary>The steps by id.</summary>
    public required IReadOnlyDictionary<string, Step> Steps { get; init; }
}

/// <summary>An event type with an optional condition on it.</summary>
public sealed record EventMatch(string Event, Condition? Where)
{
    /// <summary>True when the event has this type and satisfies the condition.</summary>
    public bool Matches(CustomerEvent e, in EvaluationContext context) =>
        string.Equals(e.Type, Event, StringComparison.Ordinal) && (Where is null || Where.Evaluate(context));
}

/// <summary>The goal: an event (with an optional condition) within a window after entry.</summary>
public sealed record Goal(EventMatch Match, IsoDuration Within);

/// <summary>Re-entry modes.</summary>
public enum ReentryMode
{
    /// <summary>A customer enters at most once, ever.</summary>
    Never,
    /// <summary>A customer may enter again once the previous instance has exited and the cooldown has passed.</summary>
    AfterExit,
    /// <summary>Every trigger starts a new instance, even while another is active.</summary>
    Always,
}

/// <summary>The re-entry rule.</summary>
public sealed record ReentryRule(ReentryMode Mode, IsoDuration Cooldown)
{
    /// <summary>Enter once, ever.</summary>
    public static readonly ReentryRule Never = new(ReentryMode.Never, default);
}

/// <summary>What starts a journey instance.</summary>
public abstract record Trigger;

/// <summary>Starts on an event of a type that satisfies a condition.</summary>
public sealed record EventTrigger(EventMatch Match) : Trigger;

/// <summary>Starts when the customer enters a segment (the engine emits segment.entered events).</summary>
public sealed record SegmentTrigger(string Segment) : Trigger
{
    /// <summary>The event type the engine emits when a customer enters a segment.</summary>
    public const string EnteredEvent = "segment.entered";

    /// <summary>The event type the engine emits when a customer leaves a segment (<c>{"segment": id, "on": "left"}</c> triggers on it).</summary>
    public const string LeftEvent = "segment.left";
}

/// <summary>Starts on a date taken from a profile attribute plus a day offset, at a local time; yearly for birthdays.</summary>
public sealed record DateTrigger(string AttributePath, int OffsetDays, TimeOnly At, bool Yearly) : Trigger;

/// <summary>Starts once, for the whole audience, at a set time (a broadcast); local to each customer when asked.</summary>
public sealed record ScheduleTrigger(DateTime At, bool CustomerLocalTime, string? TimeZone) : Trigger;

/// <summary>A journey step.</summary>
public abstract record Step
{
    /// <summary>The step's id within the journey.</summary>
    public required string Id { get; init; }

    /// <summary>The ids of the steps this step can go to.</summary>
    public abstract IEnumerable<string> Successors { get; }

    /// <summary>The step's type as written in journey JSON (send, wait, waitForEvent, branch, split, update, exit).</summary>
    public abstract string Type { get; }

    /// <summary>True when the step makes the customer wait (a wait or a wait for an event).</summary>
    public virtual bool Waits => false;
}

/// <summary>Sends a message by a medium.</summary>
public sealed record SendStep(string Medium, string Message, bool Transactional, string Next) : Step
{
    /// <inheritdoc />
    public override string Type => "send";

    /// <inheritdoc />
    public override IEnumerable<string> Successors => [Next];
}

/// <summary>Waits for a duration, optionally until a local time of day, or until a date attribute plus an offset.</summary>
public sealed record WaitStep(IsoDuration? For, TimeOnly? AtLocalTime, string? UntilAttribute, IsoDuration UntilOffset, DateTimeOffset? Until, string Next) : Step
{
    /// <inheritdoc />
    public override string Type => "wait";

    /// <inheritdoc />
    public override IEnumerable<string> Successors => [Next];

    /// <summary>Only a wait with a positive duration is sure to wait; "until" a date may already be past.</summary>
    public override bool Waits => For is { Negative: false, IsZero: false } && Until is null && UntilAttribute is null;
}

/// <summary>Waits for an event (with a condition) until a timeout.</summary>
public sealed record WaitForEventStep(EventMatch Match, IsoDuration Timeout, string OnEvent, string OnTimeout) : Step
{
    /// <inheritdoc />
    public override string Type => "waitForEvent";

    /// <inheritdoc />
    public override IEnumerable<string> Successors => [OnEvent, OnTimeout];

    /// <inheritdoc />
    public override bool Waits => true;
}

/// <summary>One case of a branch.</summary>
public sealed record BranchCase(Condition When, string Next);

/// <summary>Goes to the first case whose condition holds, otherwise to the fallback.</summary>
public sealed record BranchStep(IReadOnlyList<BranchCase> Cases, string Otherwise) : Step
{
    /// <inheritdoc />
    public override string Type => "branch";

    /// <inheritdoc />
    public override IEnumerable<string> Successors => Cases.Select(c => c.Next).Append(Otherwise);
}

/// <summary>One weighted variant of a split.</summary>
public sealed record SplitVariant(string Name, double Weight, string Next);

/// <summary>Sends each customer to one variant, chosen by a stable hash so a replay lands in the same variant.</summary>
public sealed record SplitStep(IReadOnlyList<SplitVariant> Variants) : Step
{
    /// <inheritdoc />
    public override string Type => "split";

    /// <inheritdoc />
    public override IEnumerable<string> Successors => Variants.Select(v => v.Next);
}

/// <summary>Profile update operations.</summary>
public enum UpdateKind
{
    /// <summary>Set an attribute.</summary>
    Set,
    /// <summary>Add a number to an attribute (missing counts as 0).</summary>
    Increment,
    /// <summary>Remove an attribute.</summary>
    Unset,
    /// <summary>Add a tag.</summary>
    AddTag,
    /// <summary>Remove a tag.</summary>
    RemoveTag,
}

/// <summary>One profile update: an attribute name (or a tag) and a value.</summary>
public sealed record UpdateOperation(UpdateKind Kind, string Name, Value Value);

/// <summary>Updates the customer's profile.</summary>
public sealed record UpdateStep(IReadOnlyList<UpdateOperation> Operations, string Next) : Step
{
    /// <inheritdoc />
    public override string Type => "update";

    /// <inheritdoc />
    public override IEnumerable<string> Successors => [Next];
}

/// <summary>Ends the instance.</summary>
public sealed record ExitStep : Step
{
    /// <inheritdoc />
    public override string Type => "exit";

    /// <inheritdoc />
    public override IEnumerable<string> Successors => [];
}
