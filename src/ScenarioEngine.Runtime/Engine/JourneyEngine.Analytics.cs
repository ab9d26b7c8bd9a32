using System.Globalization;
using ScenarioEngine.Analytics;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>What the daily analytics job found and changed.</summary>
/// <param name="Customers">Customers with at least one purchase.</param>
/// <param name="Updated">Customers whose computed values changed (an analytics.updated event each).</param>
/// <param name="SegmentChanges">Customers who entered a new RFM segment (a segment.entered event each).</param>
/// <param name="Breakpoints">The RFM breakpoints used.</param>
/// <param name="Clv">The fitted BG/NBD model, or null when there were too few repeat customers to fit one.</param>
public sealed record AnalyticsRun(int Customers, int Updated, int SegmentChanges, RfmBreakpoints? Breakpoints, BgNbdModel? Clv);

public sealed partial class JourneyEngine
{
    /// <summary>The event type that carries recomputed values into a profile (properties are computed paths such as rfm.segment).</summary>
    public const string AnalyticsUpdatedEvent = "analytics.updated";

    /// <summary>
    /// The daily job: recomputes RFM scores and segments (recency ages every day) from population quintiles, or from fixed
    /// breakpoints when given, and the BG/NBD probability of being alive and expected purchases; ingests an analytics.updated event
    /// for every customer whose values changed and a segment.entered event for every customer who entered a segment, so segment
    /// triggers start journeys. Event ids are derived from the date, so running the job twice on a day changes nothing.
    /// </summary>
    public async Task<AnalyticsRun> RecomputeAnalyticsAsync(DateTimeOffset asOf, RfmBreakpoints? fixedBreakpoints = null, CancellationToken cancellationToken = default)
    {
        var profiles = new List<CustomerProfile>();
        await foreach (var row in _store.ScanAsync(Table, Codec.ProfileKey, cancellationToken).ConfigureAwait(false))
        {
            profiles.Add(Codec.Read<ProfileDoc>(row.Data).ToProfile(row.PartitionKey));
        }

        var buyers = profiles.Select(p => (Profile: p, Orders: Aggregates(p))).Where(x => x.Orders.OrderCount > 0).ToList();
        if (buyers.Count == 0)
        {
            return new AnalyticsRun(0, 0, 0, null, null);
        }

        var values = buyers.Select(b => RfmValues.From(b.Orders, asOf)).ToList();
        var breakpoints = fixedBreakpoints ?? RfmBreakpoints.FromPopulation(values);
        var summaries = buyers.Select(b => Summary(b.Profile.CustomerId, b.Orders, asOf)).ToList();
        BgNbdModel? clv = null;
        if (summaries.Count(s => s.Frequency > 0) >= 20)
        {
            var fit = BgNbdModel.Fit(summaries);
            clv = fit.Converged ? fit.Model : null;
        }

        var events = new List<CustomerEvent>();
        var day = asOf.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var segmentChanges = 0;
        for (var i = 0; i < buyers.Count; i++)
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
            events.Add(new CustomerEvent($"analytics-{day}-{customer}", AnalyticsUpdatedEvent, customer, asOf, computed));
            var previous = profile.Computed.TryGetValue("rfm.segment", out var p) ? p.AsString : null;
            if (previous != segment)
            {
                segmentChanges++;
                events.Add(new CustomerEvent($"segment-{day}-{segment}-{customer}", SegmentTrigger.EnteredEvent, customer, asOf,
                    new Dictionary<string, Value>(StringComparer.Ordinal) { ["segment"] = Value.From(segment), ["previous"] = Value.From(previous) }));
            }
        }

        if (events.Count > 0)
        {
            await IngestAsync(events, cancellationToken).ConfigureAwait(false);
        }

        return new AnalyticsRun(buyers.Count, events.Count - segmentChanges, segmentChanges, breakpoints, clv);
    }

    private static PurchaseAggregates Aggregates(CustomerProfile p)
    {
        double Number(string key) => p.Computed.TryGetValue(key, out var v) && v.TryGetNumber(out var n) ? n : 0;
        DateTimeOffset? Time(string key) => p.Computed.TryGetValue(key, out var v) && v.TryGetTime(out var t) ? t : null;
        return new PurchaseAggregates
        {
            OrderCount = (int)Number("orders.count"),
            TotalSpend = (decimal)Number("orders.total"),
            Items = (long)Number("orders.items"),
            FirstPurchaseAt = Time("orders.firstAt"),
            LastPurchaseAt = Time("orders.lastAt"),
        };
    }

    /// <summary>The BG/NBD summary in weeks from the profile's aggregates (repeat purchases counted per order, not per distinct day).</summary>
    private static CustomerSummary Summary(string customerId, PurchaseAggregates orders, DateTimeOffset asOf)
    {
        var first = orders.FirstPurchaseAt!.Value;
        var age = Math.Max((asOf - first).TotalDays / 7, 0);
        var recency = Math.Min(Math.Max((orders.LastPurchaseAt!.Value - first).TotalDays / 7, 0), age);
        return new CustomerSummary(customerId, orders.OrderCount - 1, orders.OrderCount > 1 ? recency : 0, age);
    }
}
