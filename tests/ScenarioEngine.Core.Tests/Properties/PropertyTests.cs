using FsCheck;
using FsCheck.Fluent;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using static ScenarioEngine.Core.Tests.TestSupport;

namespace ScenarioEngine.Core.Tests.Properties;

/// <summary>Property tests with FsCheck: generated customers, event streams, instants and zones.</summary>
public sealed class PropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    // Every step type, an audience, exit events and a goal: the richest journey the machine runs.
    private static readonly Journey Rich = Journey(Doc("""
        "thanks": { "type": "send", "medium": "email", "message": "thank-you", "next": "wait" },
        "wait":   { "type": "wait", "for": "P3D", "atLocalTime": "10:00", "next": "again" },
        "again":  { "type": "waitForEvent", "event": "purchase", "where": { "attr": "event.cartId", "eq": { "ref": "trigger.cartId" } },
                    "timeout": "P7D", "onEvent": "tag", "onTimeout": "who" },
        "who":    { "type": "branch", "cases": [ { "when": { "attr": "tags", "contains": "vip" }, "next": "card" } ], "otherwise": "split" },
        "split":  { "type": "split", "variants": [ { "weight": 50, "next": "mail" }, { "weight": 30, "next": "line" }, { "weight": 20, "next": "tag" } ] },
        "tag":    { "type": "update", "addTags": ["vip"], "increment": { "touches": 1 }, "next": "loop" },
        "loop":   { "type": "wait", "for": "PT12H", "next": "who" },
        "card":   { "type": "send", "medium": "postcard", "message": "vip", "next": "done" },
        "mail":   { "type": "send", "medium": "email", "message": "cross", "next": "done" },
        "line":   { "type": "send", "medium": "line", "message": "cross", "next": "done" },
        "done":   { "type": "exit" }
        """, start: "thanks", trigger: """{ "event": "cart.abandoned" }""", extra: """
        "audience": { "attr": "suppressed.email", "eq": false },
        "exitWhen": [ { "event": "unsubscribe" } ],
        "goal": { "event": "purchase", "within": "P21D" },
        "holdoutPercent": 30,
        """));

    private static readonly string[] Zones = ["Asia/Tokyo", "America/New_York", "Europe/London", "Australia/Sydney", "UTC"];

    private static readonly Gen<string> CustomerIds =
        Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789-_@.顧客".ToCharArray()).ArrayOf().Where(a => a.Length > 0).Select(a => new string(a));

    /// <summary>
    /// One generated input, some minutes after the last: an event (type, cart), or a wake with the current sequence (or a stale
    /// one); <see cref="AtDue"/> wakes jump the clock to the instance's due time, as the timer queue would.
    /// </summary>
    private sealed record Stimulus(int MinutesLater, string? EventType, string CartId, int SeqDelta, bool AtDue)
    {
        public override string ToString() =>
            EventType is null ? $"+{MinutesLater}m wake(seq{SeqDelta:+0;-0}{(AtDue ? ", at due" : "")})" : $"+{MinutesLater}m {EventType}({CartId})";
    }

    private static readonly Gen<Stimulus> Stimuli =
        from minutes in Gen.Frequency((3, Gen.Choose(0, 60 * 24 * 4)), (1, Gen.Choose(0, 60)))
        from type in Gen.Frequency(
            (12, Gen.Constant<string?>(null)), (4, Gen.Constant<string?>("purchase")), (2, Gen.Constant<string?>("page.view")),
            (1, Gen.Constant<string?>("unsubscribe")))
        from cart in Gen.Elements("cart-1", "cart-2")
        from seqDelta in Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Choose(-2, 2)))
        from atDue in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
        select new Stimulus(minutes, type, cart, seqDelta, atDue);

    private static readonly Gen<(string Customer, string Zone, Stimulus[] Inputs)> Scenarios =
        from customer in CustomerIds
        from zone in Gen.Elements(Zones)
        from inputs in Stimuli.ArrayOf()
        select (customer, zone, inputs);

    /// <summary>Runs a scenario: enter, then each stimulus; returns every step's result.</summary>
    private static List<StepResult> Run((string Customer, string Zone, Stimulus[] Inputs) s, JourneyInstance? start = null, DateTimeOffset? from = null)
    {
        var profile = Profile(s.Customer, s.Zone);
        var now = from ?? T0;
        var results = new List<StepResult>();
        var current = start is null
            ? Enter(Rich, profile, now, Event("cart.abandoned", now, "enter", s.Customer, ("cartId", Value.From("cart-1"))))
            : new StepResult(start, profile, []);
        results.Add(current);
        var n = 0;
        foreach (var input in s.Inputs)
        {
            now = input.EventType is null && input.AtDue && current.Instance.WakeAt > now ? current.Instance.WakeAt.Value : now.AddMinutes(input.MinutesLater);
            StepInput stepInput = input.EventType is null
                ? new WakeInput(current.Instance.Seq + input.SeqDelta)
                : new EventInput(Event(input.EventType, now, $"e{n++}", s.Customer, ("cartId", Value.From(input.CartId))));
            current = JourneyMachine.Step(Rich, current.Instance, stepInput, current.Profile, now, Settings);
            results.Add(current);
        }

        return results;
    }

    [Fact]
    public void Step_SameJourneyInputsAndTimes_IdenticalEffectsTwice()
    {
        var property = Prop.ForAll(Scenarios.ToArbitrary(), s =>
        {
            var first = Run(s);
            var second = Run(s);

            return first.Count == second.Count && first.Zip(second).All(p =>
                p.First.Effects.SequenceEqual(p.Second.Effects) &&
                p.First.Instance with { Trigger = CustomerEvent.NoProperties } == p.Second.Instance with { Trigger = CustomerEvent.NoProperties } &&
                p.First.Instance.Trigger.SequenceEqual(p.Second.Instance.Trigger) &&
                p.First.Profile.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).SequenceEqual(p.Second.Profile.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal)) &&
                p.First.Profile.Tags.SetEquals(p.Second.Profile.Tags));
        });

        Check.One(Runs, property);
    }

    [Fact]
    public void Step_ExitedInstance_NeverSendsForAnyLaterEventOrWake()
    {
        // Arrange: exit by the exit event or by audience loss, then throw random inputs at the exited instance.
        var property = Prop.ForAll(Scenarios.ToArbitrary(), Gen.Elements("unsubscribe", "audienceLost").ToArbitrary(), (s, how) =>
        {
            var profile = Profile(s.Customer, s.Zone);
            if (how == "audienceLost")
            {
                profile.Suppressed["email"] = "unsubscribed";
            }

            var entered = Enter(Rich, profile, T0, Event("cart.abandoned", T0, "enter", s.Customer, ("cartId", Value.From("cart-1"))));
            var exited = how == "unsubscribe"
                ? Send(Rich, entered, Event("unsubscribe", T0.AddHours(1), "x", s.Customer), T0.AddHours(1)).Instance
                : entered.Instance;
            if (exited.Status != InstanceStatus.Exited || exited.ExitReason != (how == "unsubscribe" ? "exitEvent:unsubscribe" : "audienceLost"))
            {
                return false;
            }

            // Act
            var results = Run(s, exited, T0.AddHours(1)).Skip(1).ToList();

            // Assert
            return results.All(r => r.Instance.Status == InstanceStatus.Exited && !r.Effects.Any(e => e is SendRequested or SendHeldOut or StepEntered or WakeScheduled));
        });

        Check.One(Runs, property);
    }

    [Fact]
    public void Step_HoldoutCustomer_NeverGetsSendRequested()
    {
        var property = Prop.ForAll(Scenarios.ToArbitrary(), s =>
        {
            var results = Run(s);
            var effects = results.SelectMany(r => r.Effects).ToList();
            var holdout = JourneyMachine.IsHoldout(Rich, s.Customer);

            return holdout
                ? results[0].Instance.Holdout && !effects.OfType<SendRequested>().Any() && effects.OfType<SendHeldOut>().Any()
                : !results[0].Instance.Holdout && !effects.OfType<SendHeldOut>().Any() && effects.OfType<SendRequested>().Any();
        });

        Check.One(Runs, property);
    }

    [Fact]
    public void Step_HoldoutShareOverRandomIds_NearThirtyPercent()
    {
        var ids = CustomerIds.Sample(20_000, 30).Distinct().ToList();

        var share = ids.Count(id => JourneyMachine.IsHoldout(Rich, id)) / (double)ids.Count;

        Assert.True(ids.Count > 15_000);
        Assert.InRange(share, 0.28, 0.32);
    }

    [Fact]
    public void Decide_RandomInstantsAndZones_NeverSendsMarketingInQuietHoursAndDefersOutsideThem()
    {
        var quiet = new QuietHours(new TimeOnly(21, 0), new TimeOnly(9, 0));
        var instants = Gen.Choose(0, 6 * 366 * 24 * 60).Select(m => new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(m));
        var cases =
            from now in instants
            from zone in Gen.Elements(Zones)
            from ageMinutes in Gen.Choose(1, 60 * 24 * 3).ArrayOf()
            from overCap in Gen.Elements(CapAction.Defer, CapAction.Skip)
            select (now, zone, ageMinutes, overCap);

        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var profile = Profile(zone: c.zone);
            var sent = c.ageMinutes.Select(m => new SentMessage("email", c.now.AddMinutes(-m), false)).ToList();
            var options = new SendPolicyOptions
            {
                QuietHours = quiet,
                OverCap = c.overCap,
                Caps = [new FrequencyCap("email", 3, TimeSpan.FromDays(1)), new FrequencyCap(null, 5, TimeSpan.FromDays(3))],
            };
            var zone = Zone(c.zone);
            bool InQuiet(DateTimeOffset t) => quiet.Contains(TimeOnly.FromDateTime(LocalTime.ToLocal(t, zone)));

            var decision = SendPolicy.Decide("email", false, profile, sent, c.now, options);

            return decision.Outcome switch
            {
                PolicyOutcome.SendNow => !InQuiet(c.now),
                PolicyOutcome.Defer => decision.DeferUntil is { } until && until > c.now && !InQuiet(until),
                _ => decision.Rule == "frequencyCap",
            };
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), property);
    }

    [Fact]
    public void ChooseVariant_100000GeneratedIds_SharesWithinOnePointOfWeights()
    {
        // Arrange
        var split = (SplitStep)Journey(Doc("""
            "s": { "type": "split", "variants": [ { "name": "A", "weight": 50, "next": "z" }, { "name": "B", "weight": 30, "next": "z" },
                                                  { "name": "C", "weight": 20, "next": "z" } ] },
            "z": { "type": "exit" }
            """, start: "s")).Steps["s"];
        var ids = CustomerIds.Sample(100_000, 20).ToList();
        ids.AddRange(Enumerable.Range(0, 100_000).Select(i => $"customer-{i}"));

        // Act
        var counts = ids.GroupBy(id => JourneyMachine.ChooseVariant(split, "ab-test", id).Name).ToDictionary(g => g.Key, g => g.Count());

        // Assert
        Assert.Equal(200_000, counts.Values.Sum());
        Assert.InRange(counts["A"] / 200_000.0, 0.49, 0.51);
        Assert.InRange(counts["B"] / 200_000.0, 0.29, 0.31);
        Assert.InRange(counts["C"] / 200_000.0, 0.19, 0.21);
    }

    [Fact]
    public void ChooseVariant_SequentialIds_SharesWithinOnePointOfWeights()
    {
        var split = new SplitStep([new SplitVariant("A", 50, "z"), new SplitVariant("B", 30, "z"), new SplitVariant("C", 20, "z")]) { Id = "s" };

        var counts = Enumerable.Range(0, 100_000).Select(i => JourneyMachine.ChooseVariant(split, "j", i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Name)
            .GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count() / 100_000.0);

        Assert.InRange(counts["A"], 0.49, 0.51);
        Assert.InRange(counts["B"], 0.29, 0.31);
        Assert.InRange(counts["C"], 0.19, 0.21);
    }

    [Fact]
    public void ChooseVariant_AnyId_SameVariantEveryTime()
    {
        var split = (SplitStep)Rich.Steps["split"];

        var property = Prop.ForAll(CustomerIds.ToArbitrary(), id =>
            JourneyMachine.ChooseVariant(split, Rich.Id, id) == JourneyMachine.ChooseVariant(split, Rich.Id, new string(id.ToCharArray())));

        Check.One(Runs, property);
    }

    [Fact]
    public void StableHash_FixedInputs_PinnedValues()
    {
        // Pinned: splits, holdouts and sharding depend on these never changing across releases and machines.
        // Cross-checked against an independent FNV-1a 64 + SplitMix64 implementation (Python).
        Assert.Equal(5932397311304020619UL, StableHash.Hash("customer-42", "welcome", "split"));
        Assert.Equal(16485320920548739400UL, StableHash.Hash(""));
        Assert.Equal(14581774073138177413UL, StableHash.Hash("顧客-1", "j", "holdout"));
        Assert.Equal(0.3215959026481492, StableHash.Unit("customer-42", "welcome", "split"));
    }

    [Fact]
    public void StableHash_PartsAreSeparated_NotConcatenated()
    {
        Assert.NotEqual(StableHash.Hash("ab", "c"), StableHash.Hash("a", "bc"));
    }

    [Fact]
    public void StableHash_Unit_AlwaysInHalfOpenUnitInterval()
    {
        var property = Prop.ForAll(CustomerIds.ToArbitrary(), CustomerIds.ToArbitrary(), (a, b) =>
            StableHash.Unit(a, b) is >= 0 and < 1);

        Check.One(Runs, property);
    }

    [Fact]
    public void SendPolicy_SuppressedOrWithoutConsent_NeverSendsNorDefers()
    {
        // Any medium, transactional or not, any history, caps, quiet hours and instant: a customer without consent for a medium
        // that needs it, or suppressed for it, gets nothing by it, not even later.
        var gen =
            from medium in Gen.Elements("email", "line", "postcard", "webhook")
            from transactional in Gen.Elements(true, false)
            from consented in Gen.Elements("email", "line", "postcard", "webhook").ArrayOf()
            from suppressed in Gen.Elements("email", "line", "postcard", "webhook").ArrayOf()
            from minutes in Gen.Choose(0, 60 * 24 * 14)
            from sent in Gen.Choose(0, 5)
            from zone in Gen.Elements(Zones)
            select (medium, transactional, consented, suppressed, minutes, sent, zone);
        var options = new SendPolicyOptions
        {
            Caps = [new FrequencyCap(null, 2, TimeSpan.FromDays(1))],
            QuietHours = new QuietHours(new TimeOnly(21, 0), new TimeOnly(9, 0)),
        };
        var property = Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var profile = new CustomerProfile("c1") { TimeZone = c.zone };
            foreach (var m in c.consented)
            {
                profile.Consent[m] = true;
            }

            foreach (var m in c.suppressed)
            {
                profile.Suppressed[m] = "bounce";
            }

            var now = T0.AddMinutes(c.minutes);
            var history = Enumerable.Range(0, c.sent).Select(i => new SentMessage(c.medium, now.AddHours(-i), false)).ToList();
            var decision = SendPolicy.Decide(c.medium, c.transactional, profile, history, now, options);
            var blocked = c.suppressed.Contains(c.medium) || (options.ConsentRequired.Contains(c.medium) && !c.consented.Contains(c.medium));
            return !blocked || decision.Outcome == PolicyOutcome.Skip;
        });

        Check.One(Runs, property);
    }
}
