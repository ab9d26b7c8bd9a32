namespace ScenarioEngine.Analytics;

/// <summary>One behavioural event by a lead (site visit, form inquiry, email click, ...).</summary>
/// <param name="LeadId">The lead (prospect or customer) id.</param>
/// <param name="EventType">The event type, matched case-insensitively against the configured points.</param>
/// <param name="At">When it happened.</param>
public sealed record LeadEvent(string LeadId, string EventType, DateTimeOffset At);

/// <summary>Lead scoring configuration: points per event type, the decay half-life and the hot-lead threshold.</summary>
public sealed class LeadScoringOptions
{
    /// <summary>Points an event of each type is worth when fresh; unknown types are worth zero, negative points are allowed.</summary>
    public Dictionary<string, double> PointsByEventType { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Time after which an event is worth half its points; must be positive.</summary>
    public TimeSpan HalfLife { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Score at or above which a lead is hot.</summary>
    public double HotThreshold { get; set; } = 50;
}

/// <summary>A lead's score as of a date and whether it is hot.</summary>
/// <param name="LeadId">The lead id.</param>
/// <param name="Score">The decayed score.</param>
/// <param name="IsHot">Whether the score reaches the hot threshold.</param>
public sealed record LeadScore(string LeadId, double Score, bool IsHot);

/// <summary>Scores leads by their behaviour: configured points per event, halved every half-life, summed as of a date.</summary>
/// <remarks>An event at time t is worth points x 0.5^((asOf - t) / halfLife); events after the as-of time are ignored.</remarks>
public sealed class LeadScorer
{
    private readonly Dictionary<string, double> _points;
    private readonly double _halfLifeTicks;

    /// <summary>Creates a scorer, validating the options (positive half-life, finite points and threshold).</summary>
    public LeadScorer(LeadScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.PointsByEventType, nameof(options.PointsByEventType));
        if (options.HalfLife <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.HalfLife, "The half-life must be positive.");
        }

        if (!double.IsFinite(options.HotThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.HotThreshold, "The hot threshold must be a finite number.");
        }

        _points = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var (type, points) in options.PointsByEventType)
        {
            if (!double.IsFinite(points))
            {
                throw new ArgumentOutOfRangeException(nameof(options), points, $"Points for '{type}' must be a finite number.");
            }

            if (!_points.TryAdd(type, points))
            {
                throw new ArgumentException($"Event type '{type}' is configured more than once (types are case-insensitive).", nameof(options));
            }
        }

        _halfLifeTicks = options.HalfLife.Ticks;
        HotThreshold = options.HotThreshold;
    }

    /// <summary>The score at or above which a lead is hot.</summary>
    public double HotThreshold { get; }

    /// <summary>What one event is worth as of a time: its points halved per elapsed half-life, zero if it has not happened yet.</summary>
    public double Points(LeadEvent leadEvent, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(leadEvent);
        if (leadEvent.At > asOf || !_points.TryGetValue(leadEvent.EventType, out var points))
        {
            return 0;
        }

        var halfLives = (asOf - leadEvent.At).Ticks / _halfLifeTicks;
        return points * Math.Pow(0.5, halfLives);
    }

    /// <summary>The sum of the events' decayed points as of a time (events of any lead are summed; filter first).</summary>
    public double Score(IEnumerable<LeadEvent> events, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.Sum(e => Points(e, asOf));
    }

    /// <summary>Whether a score reaches the hot threshold.</summary>
    public bool IsHot(double score) => score >= HotThreshold;

    /// <summary>Scores every lead in the events as of a time, hottest first (ties by lead id, ordinal).</summary>
    public IReadOnlyList<LeadScore> ScoreAll(IEnumerable<LeadEvent> events, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events
            .GroupBy(e => e.LeadId, StringComparer.Ordinal)
            .Select(g =>
            {
                var score = Score(g, asOf);
                return new LeadScore(g.Key, score, IsHot(score));
            })
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.LeadId, StringComparer.Ordinal)
            .ToList();
    }
}
