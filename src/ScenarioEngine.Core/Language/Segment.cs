using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Core.Language;

/// <summary>
/// A segment defined in JSON: the customers for whom a condition holds. The engine keeps each customer's memberships in the
/// computed value <c>segments.current</c> (a list of ids; the path <c>segments</c> in conditions) and emits <c>segment.entered</c> and <c>segment.left</c> events when they change.
/// </summary>
public sealed record Segment
{
    /// <summary>The condition path of the ids of the segments a customer is in: <c>{"attr": "segments", "contains": id}</c> (an alias of <see cref="ComputedKey"/>).</summary>
    public const string MembershipPath = "segments";

    /// <summary>
    /// The computed value holding the sorted ids of the segments a customer is in. Computed values are always root.name, so templates
    /// see it as <c>{{segments.current}}</c>.
    /// </summary>
    public const string ComputedKey = "segments.current";

    /// <summary>Stable id (kebab-case): the value of <c>segment</c> in segment triggers and in segment.entered / segment.left events.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>What the segment is for, if given.</summary>
    public string? Description { get; init; }

    /// <summary>Who is in the segment: a condition on the profile (no current event; count conditions look at recent behaviour).</summary>
    public required Condition When { get; init; }

    /// <summary>True when the customer belongs to the segment at <paramref name="now"/>.</summary>
    public bool Contains(CustomerProfile profile, DateTimeOffset now) => When.Evaluate(new EvaluationContext(profile, null, null, now));
}
