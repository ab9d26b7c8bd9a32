using System.Globalization;
using ScenarioEngine.Analytics;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Journeys.Storage.Simulation;

/// <summary>
/// Forecasts what publishing a journey version would send in the next 24 hours: one scan of the customer profiles picks the customers
/// the trigger would start in that window and the events that would start them, then the <see cref="Simulator"/> runs the journey for
/// them in virtual time from their current profiles (send history, consent, time zone, computed values), so waits, branches, holdout,
/// quiet hours and caps apply as they would. What each trigger kind takes as its basis is in docs/journeys.md (Publishing).
/// </summary>
/// <param name="store">The customers table's store (read only).</param>
/// <param name="options">The engine's settings: the customers table, the send policy and the machine settings the simulation runs with.</param>
public sealed class PublishForecaster(IRowStore store, EngineOptions options)
{
    /// <summary>The window a forecast covers.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>The prefix of the ids of the events a forecast replays or makes up (never stored: they exist in the simulation only).</summary>
    public const string EventIdPrefix = "preview-";

    /// <summary>
    /// Forecasts the next <see cref="Window"/> from <paramref name="asOf"/> for <paramref name="journey"/> published as the next version
    /// of its id, with the catalog's messages and segments and its earlier versions' instances (for the re-entry rule).
    /// </summary>
    public async Task<PublishForecast> ForecastAsync(Journey journey, Catalog catalog, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(catalog);
        var until = asOf + Window;
        var version = (catalog.Latest(journey.Id)?.Version ?? 0) + 1;
        var draft = journey with { Version = version };
        var rfmSegment = draft.Trigger is SegmentTrigger s && Catalog.ReservedSegmentIds.Contains(s.Segment) ? s.Segment : null;
        var segments = draft.Trigger is SegmentTrigger js && catalog.FindSegment(js.Segment) is { } segment ? [segment] : Array.Empty<Segment>();

        var candidates = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        var buyers = new List<(string CustomerId, RfmValues Values, string? Current)>();
        var scanned = 0;
        await foreach (var row in store.ScanAsync(options.CustomersTable, Codec.ProfileKey, cancellationToken).ConfigureAwait(false))
        {
            scanned++;
            var doc = Codec.Read<ProfileDoc>(row);
            var profile = doc.ToProfile(row.PartitionKey);
            if (rfmSegment is not null && ProfileFigures.Orders(profile.Computed) is { OrderCount: > 0 } orders)
            {
                buyers.Add((profile.CustomerId, RfmValues.From(orders, until), profile.Computed.TryGetValue("rfm.segment", out var current) ? current.AsString : null));
            }

            var starts = Starts(draft, profile, segments, asOf, until);
            var recent = profile.RecentEvents.Where(e => e.At > asOf - Window && e.At <= asOf).ToList();
            if (starts.Count > 0 || ReplayStarts(draft, recent))
            {
                candidates[profile.CustomerId] = Candidate.From(doc, profile.CustomerId, recent, starts);
            }
        }

        if (rfmSegment is not null && buyers.Count > 0)
        {
            await AddRfmEntrantsAsync(rfmSegment, buyers, candidates, asOf, cancellationToken).ConfigureAwait(false);
        }

        var already = await LeaveOutRefusedAsync(draft, catalog, candidates, asOf, cancellationToken).ConfigureAwait(false);
        var basis = new ForecastBasis(TriggerKind(draft.Trigger), IsEstimate(draft.Trigger), Describe(draft, catalog), candidates.Count, already, scanned);
        if (candidates.Count == 0)
        {
            return new PublishForecast(draft.Id, version, asOf, until, 0, 0, new SortedDictionary<string, int>(StringComparer.Ordinal), [], basis);
        }

        return await SimulateAsync(draft, catalog, candidates.Values, asOf, until, basis, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The trigger kind's name as the journey language spells it.</summary>
    public static string TriggerKind(Trigger trigger) => trigger switch
    {
        SegmentTrigger => "segment",
        EventTrigger { Match.Event: SegmentTrigger.LeftEvent } => "segment",
        EventTrigger => "event",
        DateTrigger => "date",
        ScheduleTrigger => "schedule",
        _ => "unknown",
    };

    private static bool IsEstimate(Trigger trigger) => trigger is EventTrigger or SegmentTrigger;

    /// <summary>The events that start the journey in the window from current data alone (dates, schedules, time-driven segment entry).</summary>
    private List<CustomerEvent> Starts(Journey journey, CustomerProfile profile, IReadOnlyList<Segment> segments, DateTimeOffset asOf, DateTimeOffset until)
    {
        switch (journey.Trigger)
        {
            case DateTrigger or ScheduleTrigger when JourneyEntry.DueBetween(journey, profile, asOf, until, options.Machine) is { } at:
                // The id the engine's scheduled-trigger job gives the same firing.
                var id = string.Create(CultureInfo.InvariantCulture, $"due-{journey.Id}-{at.UtcDateTime:yyyyMMddHHmm}-{profile.CustomerId}");
                return [new CustomerEvent(id, JourneyEntry.ScheduledEvent, profile.CustomerId, at,
                    new Dictionary<string, Value>(StringComparer.Ordinal) { ["journey"] = Value.From(journey.Id) })];

            case SegmentTrigger s when segments.Count > 0 && SegmentMembership.Evaluate(profile, segments, until).Entered.Contains(s.Segment, StringComparer.Ordinal):
                // Not recorded as a member now, a member by the end of the window: the daily job (or the next event) enters them.
                return [SegmentEntered(profile.CustomerId, s.Segment, asOf, null)];

            default:
                return [];
        }
    }

    /// <summary>True when replaying the customer's last 24 hours may start the journey: a trigger event among them, or any event for a segment trigger.</summary>
    private static bool ReplayStarts(Journey journey, IReadOnlyList<RecentEvent> recent) => recent.Count > 0 && journey.Trigger switch
    {
        // segment.left and the engine's other events are not logged: they follow from replaying the events that cause them.
        EventTrigger t when RecentEventLog.NotLogged.Contains(t.Match.Event) => true,
        EventTrigger t => recent.Any(e => e.Type == t.Match.Event),
        SegmentTrigger => true,
        _ => false,
    };

    /// <summary>Adds the customers the daily job would move into an RFM segment, scored with the population's breakpoints aged to the window's end.</summary>
    private async Task AddRfmEntrantsAsync(string segmentId, List<(string CustomerId, RfmValues Values, string? Current)> buyers, Dictionary<string, Candidate> candidates,
        DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var breakpoints = RfmBreakpoints.FromPopulation(buyers.Select(b => b.Values));
        foreach (var (customerId, values, current) in buyers)
        {
            if (current == segmentId || RfmSegments.Id(breakpoints.Score(values).Segment) != segmentId)
            {
                continue;
            }

            var entered = SegmentEntered(customerId, segmentId, asOf, current);
            if (candidates.TryGetValue(customerId, out var known))
            {
                known.Events.Add(entered);
                continue;
            }

            if (await store.GetAsync(options.CustomersTable, customerId, Codec.ProfileKey, cancellationToken).ConfigureAwait(false) is { } row)
            {
                candidates[customerId] = Candidate.From(Codec.Read<ProfileDoc>(row), customerId, [], [entered]);
            }
        }
    }

    private static CustomerEvent SegmentEntered(string customerId, string segmentId, DateTimeOffset at, string? previous) =>
        new($"{EventIdPrefix}segment-{segmentId}-{customerId}", SegmentTrigger.EnteredEvent, customerId, at,
            new Dictionary<string, Value>(StringComparer.Ordinal) { ["segment"] = Value.From(segmentId), ["previous"] = Value.From(previous) });

    /// <summary>
    /// Leaves out the candidates the re-entry rule refuses now, given their instances of the journey's published versions (read with one
    /// scan of those instances, only when the journey has been published before); returns how many.
    /// </summary>
    private async Task<int> LeaveOutRefusedAsync(Journey journey, Catalog catalog, Dictionary<string, Candidate> candidates, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        if (catalog.Latest(journey.Id) is null || candidates.Count == 0)
        {
            return 0;
        }

        var earlier = new Dictionary<string, List<JourneyInstance>>(StringComparer.Ordinal);
        await foreach (var row in store.ScanAsync(options.CustomersTable, Codec.InstancePrefix + journey.Id + ":", cancellationToken).ConfigureAwait(false))
        {
            if (candidates.ContainsKey(row.PartitionKey))
            {
                var instance = Codec.Read<InstanceDoc>(row).State;
                if (!earlier.TryGetValue(row.PartitionKey, out var list))
                {
                    earlier[row.PartitionKey] = list = [];
                }

                list.Add(instance);
            }
        }

        // The audience is checked by the simulation, on the event that starts the customer; here only the re-entry rule.
        var rule = journey with { Audience = null };
        var refused = 0;
        foreach (var (customerId, instances) in earlier)
        {
            if (!JourneyEntry.Decide(rule, candidates[customerId].Profile, null, instances, asOf).Enter)
            {
                candidates.Remove(customerId);
                refused++;
            }
        }

        return refused;
    }

    /// <summary>Seeds the candidates' profiles into a simulator, replays their events and counts the sends in the window.</summary>
    private async Task<PublishForecast> SimulateAsync(Journey journey, Catalog catalog, IEnumerable<Candidate> candidates, DateTimeOffset asOf, DateTimeOffset until,
        ForecastBasis basis, CancellationToken cancellationToken)
    {
        var simulation = new EngineOptions { Machine = options.Machine, Policy = options.Policy, LeadScoring = options.LeadScoring };
        // The due events are made up above, so a date or schedule trigger runs as the event trigger it amounts to (the same entries,
        // the same trigger data): the simulator then has no hourly scan of every seeded profile to run, which is most of a broadcast's cost.
        var simulated = journey.Trigger is DateTrigger or ScheduleTrigger ? journey with { Trigger = new EventTrigger(new EventMatch(JourneyEntry.ScheduledEvent, null)) } : journey;
        var simulator = new Simulator([simulated], catalog.Messages.Values, simulation, new VerbatimRenderer(), asOf);
        simulator.Engine.Catalog.PutSegments(catalog.Segments);
        var table = simulator.Engine.Options.CustomersTable;
        await simulator.Store.CreateTableAsync(table, cancellationToken).ConfigureAwait(false);
        var events = new List<CustomerEvent>();
        foreach (var candidate in candidates)
        {
            await simulator.Store.CommitAsync(table, [new RowWrite(WriteKind.Insert, new StoredRow(candidate.CustomerId, Codec.ProfileKey, candidate.ProfileJson))],
                cancellationToken).ConfigureAwait(false);
            events.AddRange(candidate.Events);
        }

        var last = events.Count == 0 ? asOf : events.Max(e => e.OccurredAt);
        var report = await simulator.RunAsync(events, until - (last > asOf ? last : asOf), cancellationToken).ConfigureAwait(false);
        var sends = report.Sends.Where(x => x.JourneyId == journey.Id && x.At <= until).ToList();
        var byMedium = new SortedDictionary<string, int>(sends.GroupBy(x => x.Medium).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal), StringComparer.Ordinal);
        var steps = sends.GroupBy(x => (x.StepId, x.Medium)).OrderBy(g => g.Key.StepId, StringComparer.Ordinal).ThenBy(g => g.Key.Medium, StringComparer.Ordinal)
            .Select(g => new StepForecast(g.Key.StepId, g.Key.Medium, g.Count(), g.Select(x => x.CustomerId).Distinct(StringComparer.Ordinal).Count())).ToList();
        var entered = report.Stats.TryGetValue(journey.Id, out var stats) ? stats.Entered : 0;
        return new PublishForecast(journey.Id, journey.Version, asOf, until, sends.Select(x => x.CustomerId).Distinct(StringComparer.Ordinal).Count(), entered,
            byMedium, steps, basis);
    }

    /// <summary>Who the forecast simulates for this trigger, in a sentence (the API and the dashboard show it).</summary>
    private static string Describe(Journey journey, Catalog catalog) => journey.Trigger switch
    {
        EventTrigger { Match.Event: SegmentTrigger.LeftEvent } =>
            "Estimate: the customers with events in the last 24 hours, those events replayed 24 hours later; whoever they take out of the segment leaves it then.",
        EventTrigger t =>
            $"Estimate: the customers who sent '{t.Match.Event}' in the last 24 hours, with all their events of those 24 hours replayed 24 hours later.",
        SegmentTrigger s when Catalog.ReservedSegmentIds.Contains(s.Segment) =>
            $"Estimate: the customers the daily analytics job would move into the RFM segment '{s.Segment}' (scored as of 24 hours from now), and those whose events of the last 24 hours, replayed 24 hours later, would; customers in it now are not entered again.",
        SegmentTrigger s when catalog.FindSegment(s.Segment) is not null =>
            $"Estimate: the customers who would enter segment '{s.Segment}' by the end of the window (not recorded as members now), and those whose events of the last 24 hours, replayed 24 hours later, would; customers in it now are not entered again.",
        SegmentTrigger s => $"Segment '{s.Segment}' does not exist: nobody can enter it.",
        DateTrigger d => $"The customers whose date '{d.AttributePath}' (offset {d.OffsetDays.ToString(CultureInfo.InvariantCulture)} days, at {d.At:HH\\:mm} in their zone) falls in the next 24 hours.",
        ScheduleTrigger => "Everyone, when the broadcast's time falls in the next 24 hours (nobody otherwise).",
        _ => "",
    };

    /// <summary>One customer to simulate: the stored profile (without the events to be replayed), and the events that start and accompany them.</summary>
    private sealed record Candidate(string CustomerId, string ProfileJson, CustomerProfile Profile, List<CustomerEvent> Events)
    {
        /// <summary>
        /// The customer's last 24 hours move 24 hours on: those events leave the profile's recent-event log and are replayed a day later,
        /// so count conditions see them once, at their new times.
        /// </summary>
        public static Candidate From(ProfileDoc doc, string customerId, IReadOnlyList<RecentEvent> recent, IReadOnlyList<CustomerEvent> starts)
        {
            var events = new List<CustomerEvent>(starts);
            if (recent.Count > 0)
            {
                var replayed = new HashSet<RecentEvent>(recent);
                doc.Recent.RemoveAll(replayed.Contains);
                events.AddRange(recent.Select(e => new CustomerEvent(EventIdPrefix + e.Id, e.Type, customerId, e.At + Window, e.Properties)));
            }

            return new Candidate(customerId, Codec.Write(doc), doc.ToProfile(customerId), events);
        }
    }
}
