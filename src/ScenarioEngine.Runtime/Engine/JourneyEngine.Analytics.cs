using System.Globalization;
using ScenarioEngine.Analytics;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>What the daily analytics job found and changed.</summary>
/// <param name="Customers">Customers with at least one purchase.</param>
/// <param name="Updated">Customers whose RFM or CLV values changed (an analytics.updated event each).</param>
/// <param name="SegmentChanges">Customers who entered a new RFM segment (a segment.entered event each, and a segment.left for the previous one).</param>
/// <param name="Breakpoints">The RFM breakpoints used, or null when nobody has bought yet.</param>
/// <param name="Clv">The fitted BG/NBD model, or null when there were too few repeat customers to fit one.</param>
public sealed record AnalyticsRun(int Customers, int Updated, int SegmentChanges, RfmBreakpoints? Breakpoints, BgNbdModel? Clv)
{
    /// <summary>
    /// Customers whose values did not change but who were re-evaluated because time alone moved them: their lead score decayed
    /// past the refresh tolerance or the hot threshold, or a JSON segment's membership changed (an analytics.updated event
    /// without properties each, which decays the score and re-evaluates the segments as it is applied).
    /// </summary>
    public int Refreshed { get; init; }
}

public sealed partial class JourneyEngine
{
    /// <summary>The event type that carries recomputed values into a profile (properties are computed paths such as rfm.segment).</summary>
    public const string AnalyticsUpdatedEvent = "analytics.updated";

    /// <summary>
    /// The daily job: recomputes RFM scores and segments (recency ages every day) from population quintiles, or from fixed
    /// breakpoints when given, and the BG/NBD probability of being alive and expected purchases; ingests an analytics.updated event
    /// for every customer whose values changed, and a segment.left / segment.entered pair for every customer who moved to another RFM
    /// segment, so segment triggers start journeys. Customers whose lead score decayed or whose JSON segment membership changed with
    /// time get an analytics.updated event without properties: applying it decays the score and re-evaluates the segments, emitting
    /// segment.entered / segment.left in the same batch. Event ids are derived from the date, so running the job twice on a day changes nothing.
    /// </summary>
    public async Task<AnalyticsRun> RecomputeAnalyticsAsync(DateTimeOffset asOf, RfmBreakpoints? fixedBreakpoints = null, CancellationToken cancellationToken = default)
    {
        var profiles = new List<CustomerProfile>();
        await foreach (var row in _store.ScanAsync(Table, Codec.ProfileKey, cancellationToken).ConfigureAwait(false))
        {
            profiles.Add(Codec.Read<ProfileDoc>(row).ToProfile(row.PartitionKey));
        }

        var buyers = profiles.Select(p => (Profile: p, Orders: ProfileFigures.Orders(p.Computed))).Where(x => x.Orders.OrderCount > 0).ToList();
        var values = buyers.Select(b => RfmValues.From(b.Orders, asOf)).ToList();
        var breakpoints = buyers.Count == 0 ? null : fixedBreakpoints ?? RfmBreakpoints.FromPopulation(values);
        var summaries = buyers.Select(b => ProfileFigures.Summary(b.Profile.CustomerId, b.Orders, asOf)).ToList();
        BgNbdModel? clv = null;
        if (summaries.Count(s => s.Frequency > 0) >= 20)
        {
            var fit = BgNbdModel.Fit(summaries);
            clv = fit.Converged ? fit.Model : null;
        }

        var events = new List<CustomerEvent>();
        var day = asOf.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var segmentChanges = 0;
        var updated = 0;
        var touched = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < buyers.Count && breakpoints is not null; i++)
        {
            var profile = buyers[i].Profile;
            var score = breakpoints.Score(values[i]);
            var segment = RfmSegments.Id(score.Segment);
            var computed = new Dictionary<string, Value>(StringComparer.Ordinal)
            {
                ["rfm.r"] = Value.From(score.Recency),
                ["rfm.f"] = Value.From(score.Frequency),
                ["rfm.m"] = Value.From(score.Monetary),
                ["rfm.score"] = Value.From(score.Recency * 100 + score.Frequency * 10 + score.Monetary),
                ["rfm.segment"] = Value.From(segment),
            };
            if (clv is not null)
            {
                computed["clv.pAlive"] = Value.From(Math.Round(clv.ProbabilityAlive(summaries[i]), 4));
                computed["clv.expectedPurchases90d"] = Value.From(Math.Round(clv.ExpectedPurchases(90 / 7.0, summaries[i]), 4));
            }

            if (computed.All(kv => profile.Computed.TryGetValue(kv.Key, out var old) && old == kv.Value))
            {
                continue;
            }

            var customer = profile.CustomerId;
            updated++;
            touched.Add(customer);
            events.Add(new CustomerEvent($"analytics-{day}-{customer}", AnalyticsUpdatedEvent, customer, asOf, computed));
            var previous = profile.Computed.TryGetValue("rfm.segment", out var p) ? p.AsString : null;
            if (previous != segment)
            {
                segmentChanges++;
                if (previous is not null)
                {
                    events.Add(new CustomerEvent($"segment-left-{day}-{previous}-{customer}", SegmentTrigger.LeftEvent, customer, asOf,
                        new Dictionary<string, Value>(StringComparer.Ordinal) { ["segment"] = Value.From(previous), ["next"] = Value.From(segment) }));
                }

                events.Add(new CustomerEvent($"segment-{day}-{segment}-{customer}", SegmentTrigger.EnteredEvent, customer, asOf,
                    new Dictionary<string, Value>(StringComparer.Ordinal) { ["segment"] = Value.From(segment), ["previous"] = Value.From(previous) }));
            }
        }

        // Time alone changes lead scores (decay) and segment memberships (windows slide, dates age): re-evaluate everyone else.
        var refreshed = 0;
        foreach (var profile in profiles)
        {
            if (touched.Contains(profile.CustomerId) || !NeedsRefresh(profile, asOf))
            {
                continue;
            }

            refreshed++;
            events.Add(new CustomerEvent($"analytics-{day}-{profile.CustomerId}", AnalyticsUpdatedEvent, profile.CustomerId, asOf, CustomerEvent.NoProperties));
        }

        if (events.Count > 0)
        {
            await IngestAsync(events, cancellationToken).ConfigureAwait(false);
        }

        return new AnalyticsRun(buyers.Count, updated, segmentChanges, breakpoints, clv) { Refreshed = refreshed };
    }

    /// <summary>True when, as of <paramref name="asOf"/>, the lead score should be refreshed or a JSON segment's membership differs.</summary>
    private bool NeedsRefresh(CustomerProfile profile, DateTimeOffset asOf)
    {
        if (_leadScore?.NeedsRefresh(profile, asOf) == true)
        {
            return true;
        }

        if (Catalog.Segments.Count == 0)
        {
            return false;
        }

        var probe = profile;
        if (_leadScore is not null && profile.Computed.ContainsKey(LiveLeadScore.ScoreKey))
        {
            probe = profile.Clone();
            _leadScore.DecayTo(probe, asOf);
        }

        return !SegmentMembership.Evaluate(probe, Catalog.Segments, asOf).IsEmpty;
    }
}

/// <summary>The purchase figures kept on a profile, as the analytics library's inputs (shared by the daily job and the reports).</summary>
public static class ProfileFigures
{
    /// <summary>The order aggregates from the computed orders.* values.</summary>
    public static PurchaseAggregates Orders(IReadOnlyDictionary<string, Value> computed)
    {
        double Number(string key) => computed.TryGetValue(key, out var v) && v.TryGetNumber(out var n) && double.IsFinite(n) ? n : 0;
        DateTimeOffset? Time(string key) => computed.TryGetValue(key, out var v) && v.TryGetTime(out var t) ? t : null;
        return new PurchaseAggregates
        {
            OrderCount = (int)Number("orders.count"),
            TotalSpend = (decimal)Number("orders.total"),
            Items = (long)Number("orders.items"),
            FirstPurchaseAt = Time("orders.firstAt"),
            LastPurchaseAt = Time("orders.lastAt"),
        };
    }

    /// <summary>
    /// The BG/NBD / Gamma-Gamma summary in weeks (repeat purchases counted per order, not per distinct day), with the average order
    /// value as the average repeat spend: profiles keep totals, not each order's amount.
    /// </summary>
    public static CustomerSummary Summary(string customerId, PurchaseAggregates orders, DateTimeOffset asOf)
    {
        var first = orders.FirstPurchaseAt!.Value;
        var age = Math.Max((asOf - first).TotalDays / 7, 0);
        var recency = Math.Min(Math.Max((orders.LastPurchaseAt!.Value - first).TotalDays / 7, 0), age);
        var repeat = orders.OrderCount > 1;
        return new CustomerSummary(customerId, orders.OrderCount - 1, repeat ? recency : 0, age, repeat ? Math.Max(orders.AverageSpend, 0m) : 0m);
    }
}
