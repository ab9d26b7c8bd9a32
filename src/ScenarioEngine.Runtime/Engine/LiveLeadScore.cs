using ScenarioEngine.Analytics;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>
/// Lead scoring on live data: each event adds its configured points to the computed value lead.score, after decaying the score
/// kept so far by its half-life (0.5 ^ (elapsed / halfLife)). lead.scoredAt is the instant the score is valid at, and lead.hot
/// whether it reaches the hot threshold. The result equals <see cref="LeadScorer.Score"/> over every scored event as of lead.scoredAt.
/// </summary>
public sealed class LiveLeadScore
{
    /// <summary>The computed score.</summary>
    public const string ScoreKey = "lead.score";

    /// <summary>When the score was last decayed to (an ISO-8601 time).</summary>
    public const string ScoredAtKey = "lead.scoredAt";

    /// <summary>Whether the score reaches the hot threshold.</summary>
    public const string HotKey = "lead.hot";

    private readonly LeadScorer _scorer;
    private readonly double _halfLifeTicks;

    /// <summary>Creates the scorer, validating the options (see <see cref="LeadScorer"/>).</summary>
    public LiveLeadScore(LeadScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _scorer = new LeadScorer(options);
        _halfLifeTicks = options.HalfLife.Ticks;
    }

    /// <summary>A scorer for the engine's options, or null when lead scoring is off (no options, or no points configured).</summary>
    public static LiveLeadScore? For(EngineOptions options) =>
        options.LeadScoring is { PointsByEventType.Count: > 0 } o ? new LiveLeadScore(o) : null;

    /// <summary>
    /// Decays the kept score to max(now, the event's time, lead.scoredAt) and adds the event's points. Customers without a score
    /// get one only from an event that is worth points. Returns true when the profile changed.
    /// </summary>
    public bool Apply(CustomerProfile profile, CustomerEvent e, DateTimeOffset now)
    {
        var points = _scorer.Points(new LeadEvent(profile.CustomerId, e.Type, e.OccurredAt), e.OccurredAt);
        var kept = Read(profile);
        if (kept is null && points == 0)
        {
            return false;
        }

        var at = Max(now, e.OccurredAt);
        if (kept is { } k && k.At > at)
        {
            at = k.At;
        }

        var score = (kept is { } old ? Decay(old.Score, old.At, at) : 0) + Decay(points, e.OccurredAt, at);
        Write(profile, score, at);
        return true;
    }

    /// <summary>Decays the score in place to <paramref name="asOf"/>; returns true when the customer has a score.</summary>
    public bool DecayTo(CustomerProfile profile, DateTimeOffset asOf)
    {
        if (Read(profile) is not { } k)
        {
            return false;
        }

        var at = Max(asOf, k.At);
        Write(profile, Decay(k.Score, k.At, at), at);
        return true;
    }

    /// <summary>How far the decayed score may drift from the stored one before the daily job refreshes it.</summary>
    public const double RefreshTolerance = 0.05;

    /// <summary>
    /// True when the daily job should refresh the stored score: decayed to <paramref name="asOf"/> it has moved by
    /// <see cref="RefreshTolerance"/> or more, or it has crossed the hot threshold.
    /// </summary>
    public bool NeedsRefresh(CustomerProfile profile, DateTimeOffset asOf)
    {
        if (Read(profile) is not { } k)
        {
            return false;
        }

        var decayed = Round(Decay(k.Score, k.At, Max(asOf, k.At)));
        return Math.Abs(k.Score - decayed) >= RefreshTolerance || _scorer.IsHot(decayed) != profile.Computed.GetValueOrDefault(HotKey).AsBool;
    }

    private double Decay(double score, DateTimeOffset from, DateTimeOffset to) =>
        to <= from ? score : score * Math.Pow(0.5, (to - from).Ticks / _halfLifeTicks);

    private void Write(CustomerProfile profile, double score, DateTimeOffset at)
    {
        var rounded = Round(score);
        profile.Computed[ScoreKey] = Value.From(rounded);
        profile.Computed[ScoredAtKey] = Value.From(at);
        profile.Computed[HotKey] = Value.From(_scorer.IsHot(rounded));
    }

    /// <summary>Scores are kept to four decimals, so a score decayed twice to the same instant stays the same.</summary>
    private static double Round(double score) => Math.Round(score, 4);

    private static (double Score, DateTimeOffset At)? Read(CustomerProfile profile) =>
        profile.Computed.TryGetValue(ScoreKey, out var s) && s.TryGetNumber(out var score) &&
        profile.Computed.TryGetValue(ScoredAtKey, out var t) && t.TryGetTime(out var at)
            ? (score, at)
            : null;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
