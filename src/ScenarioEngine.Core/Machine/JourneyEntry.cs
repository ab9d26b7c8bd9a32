using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Core.Machine;

/// <summary>Whether a customer may enter a journey now, and why not.</summary>
public readonly record struct EntryDecision(bool Enter, string Reason)
{
    /// <summary>Enter.</summary>
    public static readonly EntryDecision Yes = new(true, "entered");
}

/// <summary>Trigger matching and the entry rules (audience, re-entry) of a journey.</summary>
public static class JourneyEntry
{
    /// <summary>The event type the engine's daily job emits when a date or schedule trigger is due (property "journey" names the journey).</summary>
    public const string ScheduledEvent = "journey.due";

    /// <summary>True when an event starts this journey (event triggers and segment-entry triggers).</summary>
    public static bool IsTriggeredBy(Journey journey, CustomerEvent e, CustomerProfile profile, DateTimeOffset now) => journey.Trigger switch
    {
        EventTrigger t => t.Match.Matches(e, new EvaluationContext(profile, e, e.Properties, now)),
        SegmentTrigger s => e.Type == SegmentTrigger.EnteredEvent && e.Properties.TryGetValue("segment", out var seg) && seg.AsString == s.Segment,
        DateTrigger or ScheduleTrigger => e.Type == ScheduledEvent && e.Properties.TryGetValue("journey", out var j) && j.AsString == journey.Id,
        _ => false,
    };

    /// <summary>Applies the audience condition and the re-entry rule to the customer's earlier instances of this journey.</summary>
    public static EntryDecision Decide(Journey journey, CustomerProfile profile, CustomerEvent? trigger, IEnumerable<JourneyInstance> earlier, DateTimeOffset now)
    {
        if (journey.Audience is { } audience && !audience.Evaluate(new EvaluationContext(profile, trigger, trigger?.Properties, now)))
        {
            return new EntryDecision(false, $"not in the audience: {audience.Describe()}");
        }

        JourneyInstance? last = null;
        foreach (var i in earlier)
        {
            if (i.JourneyId != journey.Id)
            {
                continue;
            }

            if (journey.Reentry.Mode == ReentryMode.Never)
            {
                return new EntryDecision(false, "already entered once (re-entry: never)");
            }

            if (i.Status == InstanceStatus.Active && journey.Reentry.Mode == ReentryMode.AfterExit)
            {
                return new EntryDecision(false, "already in the journey (re-entry: afterExit)");
            }

            if (last is null || i.ExitedAt > last.ExitedAt)
            {
                last = i;
            }
        }

        if (journey.Reentry.Mode == ReentryMode.AfterExit && last?.ExitedAt is { } exited && journey.Reentry.Cooldown.AddTo(exited) > now)
        {
            return new EntryDecision(false, $"cooling down until {journey.Reentry.Cooldown.AddTo(exited):O} (re-entry cooldown {journey.Reentry.Cooldown})");
        }

        return EntryDecision.Yes;
    }

    /// <summary>
    /// For date and schedule triggers: the instant in (<paramref name="after"/>, <paramref name="upTo"/>] at which the trigger fires for
    /// this customer, or null. The runtime's daily job and the simulator call it for each window they cover.
    /// </summary>
    public static DateTimeOffset? DueBetween(Journey journey, CustomerProfile profile, DateTimeOffset after, DateTimeOffset upTo, MachineSettings settings)
    {
        switch (journey.Trigger)
        {
            case DateTrigger d:
            {
                var value = new EvaluationContext(profile, null, null, upTo).Resolve(d.AttributePath);
                if (!value.TryGetTime(out var t))
                {
                    return null;
                }

                var zone = settings.ZoneOf(profile);
                var date = DateOnly.FromDateTime(t.Date);
                if (!d.Yearly)
                {
                    var once = LocalTime.ToInstant(date.AddDays(d.OffsetDays), d.At, zone);
                    return once > after && once <= upTo ? once : null;
                }

                var fromYear = LocalTime.ToLocal(after, zone).Year - 1;
                var toYear = LocalTime.ToLocal(upTo, zone).Year + 1;
                for (var year = fromYear; year <= toYear; year++)
                {
                    // 29 February falls on 28 February in other years.
                    var day = Math.Min(date.Day, DateTime.DaysInMonth(year, date.Month));
                    var fire = LocalTime.ToInstant(new DateOnly(year, date.Month, day).AddDays(d.OffsetDays), d.At, zone);
                    if (fire > after && fire <= upTo)
                    {
                        return fire;
                    }
                }

                return null;
            }

            case ScheduleTrigger s:
            {
                var zone = s.CustomerLocalTime ? settings.ZoneOf(profile) : LocalTime.FindZone(s.TimeZone) ?? settings.DefaultTimeZone;
                var fire = LocalTime.ToInstant(DateOnly.FromDateTime(s.At), TimeOnly.FromDateTime(s.At), zone);
                return fire > after && fire <= upTo ? fire : null;
            }

            default:
                return null;
        }
    }
}
