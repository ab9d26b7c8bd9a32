using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Core.Policy;

/// <summary>A frequency cap: at most <see cref="Max"/> marketing messages in a rolling window, for one medium or (null) across all media.</summary>
public sealed record FrequencyCap(string? Medium, int Max, TimeSpan Window);

/// <summary>Quiet hours: marketing messages are not sent between <see cref="Start"/> and <see cref="End"/> in the customer's local time.</summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    /// <summary>True when a local time of day falls inside the quiet window (which may span midnight).</summary>
    public bool Contains(TimeOnly time) => Start <= End ? time >= Start && time < End : time >= Start || time < End;
}

/// <summary>What to do with a message over a frequency cap.</summary>
public enum CapAction
{
    /// <summary>Drop it, recording the reason (the usual choice: a stale offer is worse than none).</summary>
    Skip,
    /// <summary>Send it once the window has room again.</summary>
    Defer,
}

/// <summary>The send policy: caps, quiet hours, the media that need consent, and the default time zone.</summary>
public sealed record SendPolicyOptions
{
    /// <summary>Frequency caps, counted across all journeys.</summary>
    public IReadOnlyList<FrequencyCap> Caps { get; init; } = [];

    /// <summary>What to do over a cap.</summary>
    public CapAction OverCap { get; init; } = CapAction.Skip;

    /// <summary>Quiet hours, or null for none.</summary>
    public QuietHours? QuietHours { get; init; }

    /// <summary>Media that need the customer's consent (webhook goes to the shop's own systems and needs none by default).</summary>
    public IReadOnlySet<string> ConsentRequired { get; init; } = new HashSet<string>(StringComparer.Ordinal) { Medium.Email, Medium.Line, Medium.Postcard };

    /// <summary>The zone for customers without one.</summary>
    public TimeZoneInfo DefaultTimeZone { get; init; } = MachineSettings.Default.DefaultTimeZone;
}

/// <summary>A message already sent to the customer (by any journey), for cap counting.</summary>
public readonly record struct SentMessage(string Medium, DateTimeOffset SentAt, bool Transactional);

/// <summary>The decision kinds.</summary>
public enum PolicyOutcome
{
    /// <summary>Send now.</summary>
    SendNow,
    /// <summary>Send at <see cref="PolicyDecision.DeferUntil"/>.</summary>
    Defer,
    /// <summary>Do not send; <see cref="PolicyDecision.Rule"/> says why.</summary>
    Skip,
}

/// <summary>The policy's decision and the rule behind it.</summary>
public readonly record struct PolicyDecision(PolicyOutcome Outcome, DateTimeOffset? DeferUntil, string Rule, string Reason)
{
    /// <summary>Send now.</summary>
    public static readonly PolicyDecision Send = new(PolicyOutcome.SendNow, null, "ok", "allowed by every rule");
}

/// <summary>The pure send-policy decision: consent, suppression, frequency caps and quiet hours.</summary>
public static class SendPolicy
{
    /// <summary>Decides whether a message may go now. Transactional messages bypass caps and quiet hours, never consent or suppression.</summary>
    public static PolicyDecision Decide(string medium, bool transactional, CustomerProfile profile, IReadOnlyCollection<SentMessage> history, DateTimeOffset now, SendPolicyOptions options)
    {
        if (profile.Suppressed.TryGetValue(medium, out var why))
        {
            return new PolicyDecision(PolicyOutcome.Skip, null, "suppressed", $"{medium} is suppressed for this customer: {why}");
        }

        if (options.ConsentRequired.Contains(medium) && !(profile.Consent.TryGetValue(medium, out var consent) && consent))
        {
            return new PolicyDecision(PolicyOutcome.Skip, null, "consent", $"no consent for {medium}");
        }

        if (transactional)
        {
            return PolicyDecision.Send;
        }

        DateTimeOffset? deferUntil = null;
        foreach (var cap in options.Caps)
        {
            if (cap.Medium is not null && cap.Medium != medium)
            {
                continue;
            }

            var windowStart = now - cap.Window;
            var inWindow = history.Where(h => !h.Transactional && h.SentAt > windowStart && (cap.Medium is null || h.Medium == cap.Medium))
                .Select(h => h.SentAt).Order().ToList();
            if (inWindow.Count < cap.Max)
            {
                continue;
            }

            var scope = cap.Medium ?? "all media";
            if (options.OverCap == CapAction.Skip || cap.Max <= 0)
            {
                return new PolicyDecision(PolicyOutcome.Skip, null, "frequencyCap", $"cap of {cap.Max} per {cap.Window} for {scope} reached");
            }

            // Room again once the oldest message that keeps the window full has aged out.
            var free = inWindow[inWindow.Count - cap.Max] + cap.Window;
            deferUntil = deferUntil is null || free > deferUntil ? free : deferUntil;
        }

        var quiet = options.QuietHours;
        var zone = LocalTime.FindZone(profile.TimeZone) ?? options.DefaultTimeZone;
        var candidate = deferUntil ?? now;
        if (quiet is not null && quiet.Contains(TimeOnly.FromDateTime(LocalTime.ToLocal(candidate, zone))))
        {
            var end = LocalTime.NextAt(candidate, quiet.End, zone);
            return new PolicyDecision(PolicyOutcome.Defer, end, "quietHours", $"quiet hours {quiet.Start:HH\\:mm}-{quiet.End:HH\\:mm} in {zone.Id}");
        }

        return deferUntil is null
            ? PolicyDecision.Send
            : new PolicyDecision(PolicyOutcome.Defer, deferUntil, "frequencyCap", "frequency cap reached: deferred until the window has room");
    }
}
