namespace ScenarioEngine.Analytics;

/// <summary>The three NPS groups a 0..10 rating falls in.</summary>
public enum NpsCategory
{
    /// <summary>Ratings 0 to 6.</summary>
    Detractor,

    /// <summary>Ratings 7 and 8.</summary>
    Passive,

    /// <summary>Ratings 9 and 10.</summary>
    Promoter,
}

/// <summary>One NPS survey answer with the keys it is usually grouped by.</summary>
/// <param name="CustomerId">Who answered.</param>
/// <param name="At">When they answered; its calendar month (in its own offset) is the month key.</param>
/// <param name="Rating">The 0..10 answer to "how likely are you to recommend us".</param>
/// <param name="Journey">The journey (scenario) that asked, if any.</param>
/// <param name="Segment">The customer's segment when asked, if any.</param>
public sealed record NpsResponse(string CustomerId, DateTimeOffset At, int Rating, string? Journey = null, string? Segment = null)
{
    /// <summary>The first day of the month the answer was given in.</summary>
    public DateOnly Month => new(At.Year, At.Month, 1);
}

/// <summary>An NPS tally: counts per group and the score.</summary>
/// <param name="Promoters">Number of promoters (9-10).</param>
/// <param name="Passives">Number of passives (7-8).</param>
/// <param name="Detractors">Number of detractors (0-6).</param>
public sealed record NpsResult(int Promoters, int Passives, int Detractors)
{
    /// <summary>Number of answers.</summary>
    public int Total => Promoters + Passives + Detractors;

    /// <summary>Percentage of promoters (0..100), zero when there are no answers.</summary>
    public double PromoterPercent => Total == 0 ? 0 : 100.0 * Promoters / Total;

    /// <summary>Percentage of detractors (0..100), zero when there are no answers.</summary>
    public double DetractorPercent => Total == 0 ? 0 : 100.0 * Detractors / Total;

    /// <summary>Net Promoter Score: percentage of promoters minus percentage of detractors (-100..100), zero when there are no answers.</summary>
    public double Score => PromoterPercent - DetractorPercent;
}

/// <summary>Net Promoter Score: classifies 0..10 ratings and computes the score overall or per group.</summary>
public static class Nps
{
    /// <summary>Classifies a rating; anything outside 0..10 is an error.</summary>
    public static NpsCategory Classify(int rating) =>
        TryClassify(rating, out var category)
            ? category
            : throw new ArgumentOutOfRangeException(nameof(rating), rating, "NPS ratings run from 0 to 10.");

    /// <summary>Classifies a rating, returning false for anything outside 0..10.</summary>
    public static bool TryClassify(int rating, out NpsCategory category)
    {
        (var valid, category) = rating switch
        {
            >= 9 and <= 10 => (true, NpsCategory.Promoter),
            >= 7 and <= 8 => (true, NpsCategory.Passive),
            >= 0 and <= 6 => (true, NpsCategory.Detractor),
            _ => (false, default),
        };
        return valid;
    }

    /// <summary>Tallies ratings; throws if any is outside 0..10.</summary>
    public static NpsResult Score(IEnumerable<int> ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        int promoters = 0, passives = 0, detractors = 0;
        foreach (var rating in ratings)
        {
            switch (Classify(rating))
            {
                case NpsCategory.Promoter:
                    promoters++;
                    break;
                case NpsCategory.Passive:
                    passives++;
                    break;
                default:
                    detractors++;
                    break;
            }
        }

        return new NpsResult(promoters, passives, detractors);
    }

    /// <summary>Tallies answers per key (journey, segment, month or any other), in first-seen key order.</summary>
    public static IReadOnlyDictionary<TKey, NpsResult> ScoreBy<T, TKey>(IEnumerable<T> answers, Func<T, TKey> key, Func<T, int> rating)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(rating);
        return answers
            .GroupBy(key)
            .ToDictionary(g => g.Key, g => Score(g.Select(rating)));
    }

    /// <summary>NPS per journey; answers without a journey are left out.</summary>
    public static IReadOnlyDictionary<string, NpsResult> ByJourney(IEnumerable<NpsResponse> responses) =>
        ScoreBy(NotNull(responses).Where(r => r.Journey is not null), r => r.Journey!, r => r.Rating);

    /// <summary>NPS per segment; answers without a segment are left out.</summary>
    public static IReadOnlyDictionary<string, NpsResult> BySegment(IEnumerable<NpsResponse> responses) =>
        ScoreBy(NotNull(responses).Where(r => r.Segment is not null), r => r.Segment!, r => r.Rating);

    /// <summary>NPS per calendar month, keyed by the month's first day.</summary>
    public static IReadOnlyDictionary<DateOnly, NpsResult> ByMonth(IEnumerable<NpsResponse> responses) =>
        ScoreBy(NotNull(responses), r => r.Month, r => r.Rating);

    private static IEnumerable<NpsResponse> NotNull(IEnumerable<NpsResponse> responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        return responses;
    }
}
