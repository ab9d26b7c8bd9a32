using System.Globalization;
using System.Text.Json;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Core.Language;

/// <summary>Parses and validates journey documents, reporting every problem at once with its JSON path.</summary>
public static class JourneyParser
{
    private static readonly string[] TopLevel =
        ["$schema", "id", "name", "description", "version", "trigger", "audience", "reentry", "exitWhen", "goal", "holdoutPercent", "start", "steps"];

    private static readonly string[] StepTypes = ["send", "wait", "waitForEvent", "branch", "split", "update", "exit"];

    /// <summary>Parses a journey; when <paramref name="messages"/> is given, send steps must name a message that has content for their medium.</summary>
    public static ParseResult<Journey> Parse(string json, IReadOnlyDictionary<string, MessageDocument>? messages = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            return new ParseResult<Journey>(null, [new ValidationError("$", $"not valid JSON: {ex.Message}")]);
        }

        using (doc)
        {
            return Parse(doc.RootElement, messages);
        }
    }

    /// <summary>Parses a journey from a JSON element.</summary>
    public static ParseResult<Journey> Parse(JsonElement root, IReadOnlyDictionary<string, MessageDocument>? messages = null)
    {
        if (JsonUnicode.FindLoneSurrogate(root) is { } unreadable)
        {
            return new ParseResult<Journey>(null, [unreadable]);
        }

        var w = new JsonWalker();
        if (!w.IsObject(root, "$", "a journey"))
        {
            return new ParseResult<Journey>(null, w.Errors);
        }

        w.OnlyKnown(root, "$", TopLevel);
        var id = w.Id(root, "$", "id", required: true);
        var name = w.String(root, "$", "name", required: true);
        var version = (int?)w.Number(root, "$", "version", required: false, 0, int.MaxValue) ?? 0;
        var trigger = root.TryGetProperty("trigger", out var t) ? ParseTrigger(w, t, "$.trigger") : Missing<Trigger>(w, "$.trigger", "a trigger object");
        var audience = root.TryGetProperty("audience", out var a) ? ConditionParser.Parse(w, a, "$.audience") : null;

        var reentry = root.TryGetProperty("reentry", out var r) ? ParseReentry(w, r, "$.reentry") : ReentryRule.Never;
        var exitWhen = root.TryGetProperty("exitWhen", out var x) ? ParseEventMatches(w, x, "$.exitWhen") : [];
        var goal = root.TryGetProperty("goal", out var g) ? ParseGoal(w, g, "$.goal") : null;
        var holdout = w.Number(root, "$", "holdoutPercent", required: false, 0, 100) ?? 0;
        var start = w.Id(root, "$", "start", required: true);
        var steps = ParseSteps(w, root, messages, out var declared);

        if (steps is not null && start is not null)
        {
            CheckGraph(w, steps, declared, start);
        }

        if (w.Errors.Count > 0 || id is null || name is null || trigger is null || start is null || steps is null || reentry is null)
        {
            return new ParseResult<Journey>(null, w.Errors);
        }

        return new ParseResult<Journey>(new Journey
        {
            Id = id, Name = name, Version = version, Trigger = trigger, Audience = audience, Reentry = reentry,
            ExitWhen = exitWhen, Goal = goal, HoldoutPercent = holdout, Start = start, Steps = steps,
        }, w.Errors);
    }

    private static T? Missing<T>(JsonWalker w, string path, string expected) where T : class
    {
        w.Error(path, $"is required: expected {expected}");
        return null;
    }

    private static Trigger? ParseTrigger(JsonWalker w, JsonElement e, string path)
    {
        if (!w.IsObject(e, path, "a trigger"))
        {
            return null;
        }

        if (JsonWalker.Has(e, "event"))
        {
            var m = ParseEventMatch(w, e, path);
            return m is null ? null : new EventTrigger(m);
        }

        if (JsonWalker.Has(e, "segment"))
        {
            w.OnlyKnown(e, path, "segment", "on");
            var s = w.Id(e, path, "segment", required: true);
            var on = w.String(e, path, "on", required: false, "entered or left");
            if (on is not null && on is not ("entered" or "left"))
            {
                w.Error(path + ".on", $"'{on}' is not a segment change: expected entered (the default) or left");
                return null;
            }

            // Leaving is an event trigger on segment.left with the segment's id, so the machine needs no new trigger kind.
            return s is null ? null : on == "left"
                ? new EventTrigger(new EventMatch(SegmentTrigger.LeftEvent,
                    new CompareCondition("event.segment", CompareOp.Eq, new Operand(Value.From(s), null, default))))
                : new SegmentTrigger(s);
        }

        if (JsonWalker.Has(e, "date"))
        {
            w.OnlyKnown(e, path, "date");
            var d = e.GetProperty("date");
            var p = path + ".date";
            if (!w.IsObject(d, p, "a date trigger"))
            {
                return null;
            }

            w.OnlyKnown(d, p, "attr", "offsetDays", "at", "yearly");
            var attr = ConditionParser.ParsePath(w, d, p, "attr");
            var offset = w.Number(d, p, "offsetDays", required: false, -366, 366);
            if (offset is not null && offset != Math.Floor(offset.Value))
            {
                w.Error(p + ".offsetDays", "expected a whole number of days");
            }

            var at = w.TimeOfDay(d, p, "at", required: false) ?? new TimeOnly(10, 0);
            var yearly = w.Bool(d, p, "yearly") ?? true;
            return attr is null ? null : new DateTrigger(attr, (int)(offset ?? 0), at, yearly);
        }

        if (JsonWalker.Has(e, "schedule"))
        {
            w.OnlyKnown(e, path, "schedule");
            var s = e.GetProperty("schedule");
            var p = path + ".schedule";
            if (!w.IsObject(s, p, "a schedule trigger"))
            {
                return null;
            }

            w.OnlyKnown(s, p, "at", "localTime", "timeZone");
            var atText = w.String(s, p, "at", required: true, "a local date and time such as 2026-12-01T10:00:00");
            DateTime at = default;
            if (atText is not null && !DateTime.TryParseExact(atText, ["yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out at))
            {
                w.Error(p + ".at", $"'{atText}' is not a local date and time: expected yyyy-MM-ddTHH:mm[:ss] without an offset (the zone comes from localTime or timeZone)");
                atText = null;
            }

            var local = w.Bool(s, p, "localTime") ?? true;
            var zone = w.TimeZone(s, p, "timeZone");
            return atText is null ? null : new ScheduleTrigger(at, local, zone);
        }

        w.Error(path, "expected a trigger: an object with \"event\", \"segment\", \"date\" or \"schedule\"");
        return null;
    }

    private static EventMatch? ParseEventMatch(JsonWalker w, JsonElement e, string path)
    {
        if (!w.IsObject(e, path, "an event match"))
        {
            return null;
        }

        w.OnlyKnown(e, path, "event", "where");
        var name = w.String(e, path, "event", required: true, "an event type such as purchase");
        var where = e.TryGetProperty("where", out var c) ? ConditionParser.Parse(w, c, path + ".where") : null;
        return name is null ? null : new EventMatch(name, where);
    }

    private static IReadOnlyList<EventMatch> ParseEventMatches(JsonWalker w, JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            w.Error(path, $"expected an array of {{\"event\": ..., \"where\": ...}} objects, found {JsonWalker.Describe(e)}");
            return [];
        }

        return e.EnumerateArray().Select((x, i) => ParseEventMatch(w, x, $"{path}[{i}]")).OfType<EventMatch>().ToList();
    }

    private static ReentryRule? ParseReentry(JsonWalker w, JsonElement e, string path)
    {
        if (!w.IsObject(e, path, "a re-entry rule"))
        {
            return null;
        }

        w.OnlyKnown(e, path, "mode", "cooldown");
        var mode = w.String(e, path, "mode", required: true, "one of never, afterExit, always");
        var cooldown = w.Duration(e, path, "cooldown", required: false, allowZero: true) ?? default;
        switch (mode)
        {
            case "never": return ReentryRule.Never;
            case "afterExit": return new ReentryRule(ReentryMode.AfterExit, cooldown);
            case "always": return new ReentryRule(ReentryMode.Always, default);
            case null: return null;
            default:
                w.Error(path + ".mode", $"'{mode}' is not a re-entry mode: expected one of never, afterExit, always");
                return null;
        }
    }

    private static Goal? ParseGoal(JsonWalker w, JsonElement e, string path)
    {
        if (!w.IsObject(e, path, "a goal"))
        {
            return null;
        }

        w.OnlyKnown(e, path, "event", "where", "within");
        var name = w.String(e, path, "event", required: true, "an event type such as purchase");
        var where = e.TryGetProperty("where", out var c) ? ConditionParser.Parse(w, c, path + ".where") : null;
        var within = w.Duration(e, path, "within", required: true);
        return name is null || within is null ? null : new Goal(new EventMatch(name, where), within.Value);
    }

    private static Dictionary<string, Step>? ParseSteps(JsonWalker w, JsonElement root, IReadOnlyDictionary<string, MessageDocument>? messages, out HashSet<string> declared)
    {
        declared = new HashSet<string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("steps", out var stepsElement))
        {
            w.Error("$.steps", "is required: expected an object of steps by id");
            return null;
        }

        if (!w.IsObject(stepsElement, "$.steps", "the steps by id") )
        {
            return null;
        }

        var steps = new Dictionary<string, Step>(StringComparer.Ordinal);
        foreach (var p in stepsElement.EnumerateObject())
        {
            var path = JsonWalker.Child("$.steps", p.Name);
            if (!JsonWalker.IdPattern().IsMatch(p.Name))
            {
                w.Error(path, $"'{p.Name}' is not a valid step id: expected letters, digits, '-', '_' or '.'");
                continue;
            }

            declared.Add(p.Name);
            var step = ParseStep(w, p.Name, p.Value, path, messages);
            if (step is not null)
            {
                steps[p.Name] = step;
            }
        }

        if (steps.Count == 0 && !w.Errors.Any(e => e.Path.StartsWith("$.steps", StringComparison.Ordinal)))
        {
            w.Error("$.steps", "expected at least one step");
        }

        return steps;
    }

    private static Step? ParseStep(JsonWalker w, string id, JsonElement e, string path, IReadOnlyDictionary<string, MessageDocument>? messages)
    {
        if (!w.IsObject(e, path, "a step"))
        {
            return null;
        }

        var type = w.String(e, path, "type", required: true, "a step type: one of " + string.Join(", ", StepTypes));
        switch (type)
        {
            case "send":
            {
                w.OnlyKnown(e, path, "type", "medium", "message", "transactional", "next");
                var medium = w.String(e, path, "medium", required: true, "a medium: one of " + string.Join(", ", Medium.All));
                if (medium is not null && !Medium.All.Contains(medium))
                {
                    w.Error(path + ".medium", $"unknown medium '{medium}': expected one of {string.Join(", ", Medium.All)}");
                    medium = null;
                }

                var message = w.Id(e, path, "message", required: true);
                if (message is not null && messages is not null)
                {
                    if (!messages.TryGetValue(message, out var doc))
                    {
                        w.Error(path + ".message", $"unknown message '{message}': expected the id of a message document");
                    }
                    else if (medium is not null && !doc.Media.Contains(medium))
                    {
                        w.Error(path + ".message", $"message '{message}' has no {medium} content: it has {string.Join(", ", doc.Media.DefaultIfEmpty("none"))}");
                    }
                }

                var transactional = w.Bool(e, path, "transactional") ?? false;
                var next = w.Id(e, path, "next", required: true);
                return medium is null || message is null || next is null ? null : new SendStep(medium, message, transactional, next) { Id = id };
            }

            case "wait":
            {
                w.OnlyKnown(e, path, "type", "for", "atLocalTime", "until", "next");
                var forDuration = w.Duration(e, path, "for", required: false, allowZero: true);
                var at = w.TimeOfDay(e, path, "atLocalTime", required: false);
                string? untilAttr = null;
                IsoDuration untilOffset = default;
                DateTimeOffset? until = null;
                if (e.TryGetProperty("until", out var u))
                {
                    if (u.ValueKind == JsonValueKind.String)
                    {
                        if (DateTimeOffset.TryParse(u.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var abs) && u.GetString()!.Contains('T', StringComparison.Ordinal))
                        {
                            until = abs;
                        }
                        else
                        {
                            w.Error(path + ".until", $"'{u.GetString()}' is not a date and time with an offset: expected e.g. 2026-12-24T10:00:00+09:00, or {{\"attr\": ..., \"offset\": ...}}");
                        }
                    }
                    else if (w.IsObject(u, path + ".until", "a date and time, or {\"attr\": path, \"offset\": duration}"))
                    {
                        w.OnlyKnown(u, path + ".until", "attr", "offset");
                        untilAttr = ConditionParser.ParsePath(w, u, path + ".until", "attr");
                        untilOffset = w.Duration(u, path + ".until", "offset", required: false, allowNegative: true, allowZero: true) ?? default;
                    }
                }

                if (forDuration is not null && (until is not null || untilAttr is not null))
                {
                    w.Error(path, "expected either \"for\" or \"until\", not both");
                }

                if (forDuration is null && at is null && until is null && untilAttr is null && !w.Errors.Any(x => x.Path.StartsWith(path, StringComparison.Ordinal)))
                {
                    w.Error(path, "a wait needs \"for\" (a duration), \"until\" (a date or a date attribute) or \"atLocalTime\"");
                }

                var next = w.Id(e, path, "next", required: true);
                return next is null ? null : new WaitStep(forDuration, at, untilAttr, untilOffset, until, next) { Id = id };
            }

            case "waitForEvent":
            {
                w.OnlyKnown(e, path, "type", "event", "where", "timeout", "onEvent", "onTimeout");
                var name = w.String(e, path, "event", required: true, "an event type such as purchase");
                var where = e.TryGetProperty("where", out var c) ? ConditionParser.Parse(w, c, path + ".where") : null;
                var timeout = w.Duration(e, path, "timeout", required: true);
                var onEvent = w.Id(e, path, "onEvent", required: true);
                var onTimeout = w.Id(e, path, "onTimeout", required: true);
                return name is null || timeout is null || onEvent is null || onTimeout is null
                    ? null
                    : new WaitForEventStep(new EventMatch(name, where), timeout.Value, onEvent, onTimeout) { Id = id };
            }

            case "branch":
            {
                w.OnlyKnown(e, path, "type", "cases", "otherwise");
                var cases = new List<BranchCase>();
                if (!e.TryGetProperty("cases", out var cs) || cs.ValueKind != JsonValueKind.Array || cs.GetArrayLength() == 0)
                {
                    w.Error(path + ".cases", "expected a non-empty array of {\"when\": condition, \"next\": step}");
                }
                else
                {
                    var i = 0;
                    foreach (var ce in cs.EnumerateArray())
                    {
                        var cp = $"{path}.cases[{i++}]";
                        if (!w.IsObject(ce, cp, "a branch case"))
                        {
                            continue;
                        }

                        w.OnlyKnown(ce, cp, "when", "next");
                        var when = ce.TryGetProperty("when", out var we) ? ConditionParser.Parse(w, we, cp + ".when") : Missing<Condition>(w, cp + ".when", "a condition");
                        var next = w.Id(ce, cp, "next", required: true);
                        if (when is not null && next is not null)
                        {
                            cases.Add(new BranchCase(when, next));
                        }
                    }
                }

                var otherwise = w.Id(e, path, "otherwise", required: true);
                return otherwise is null ? null : new BranchStep(cases, otherwise) { Id = id };
            }

            case "split":
            {
                w.OnlyKnown(e, path, "type", "variants");
                var variants = new List<SplitVariant>();
                if (!e.TryGetProperty("variants", out var vs) || vs.ValueKind != JsonValueKind.Array || vs.GetArrayLength() < 2)
                {
                    w.Error(path + ".variants", "expected an array of at least two {\"weight\": number, \"next\": step} variants");
                }
                else
                {
                    var i = 0;
                    foreach (var ve in vs.EnumerateArray())
                    {
                        var vp = $"{path}.variants[{i}]";
                        i++;
                        if (!w.IsObject(ve, vp, "a split variant"))
                        {
                            continue;
                        }

                        w.OnlyKnown(ve, vp, "name", "weight", "next");
                        var weight = w.Number(ve, vp, "weight", required: true, double.MinValue, 1_000_000);
                        if (weight <= 0)
                        {
                            w.Error(vp + ".weight", $"expected a positive weight (at most 1000000), found the number {weight.Value.ToString(CultureInfo.InvariantCulture)}");
                            weight = null;
                        }

                        var next = w.Id(ve, vp, "next", required: true);
                        var vname = w.Id(ve, vp, "name", required: false) ?? next ?? $"v{i}";
                        if (weight is not null && next is not null)
                        {
                            variants.Add(new SplitVariant(vname, weight.Value, next));
                        }
                    }
                }

                return new SplitStep(variants) { Id = id };
            }

            case "update":
            {
                w.OnlyKnown(e, path, "type", "set", "increment", "unset", "addTags", "removeTags", "next");
                var ops = new List<UpdateOperation>();
                if (e.TryGetProperty("set", out var set) && w.IsObject(set, path + ".set", "attributes to set"))
                {
                    foreach (var p in set.EnumerateObject())
                    {
                        if (p.Value.ValueKind == JsonValueKind.Object)
                        {
                            w.Error(JsonWalker.Child(path + ".set", p.Name), "expected a string, number, boolean, array or null, found an object");
                            continue;
                        }

                        ops.Add(new UpdateOperation(UpdateKind.Set, p.Name, Value.FromJson(p.Value)));
                    }
                }

                if (e.TryGetProperty("increment", out var inc) && w.IsObject(inc, path + ".increment", "attributes to increment"))
                {
                    foreach (var p in inc.EnumerateObject())
                    {
                        if (p.Value.ValueKind != JsonValueKind.Number)
                        {
                            w.Error(JsonWalker.Child(path + ".increment", p.Name), $"expected a number, found {JsonWalker.Describe(p.Value)}");
                            continue;
                        }

                        ops.Add(new UpdateOperation(UpdateKind.Increment, p.Name, Value.From(p.Value.GetDouble())));
                    }
                }

                ops.AddRange(Names(w, e, path, "unset").Select(n => new UpdateOperation(UpdateKind.Unset, n, Value.Null)));
                ops.AddRange(Names(w, e, path, "addTags").Select(n => new UpdateOperation(UpdateKind.AddTag, n, Value.Null)));
                ops.AddRange(Names(w, e, path, "removeTags").Select(n => new UpdateOperation(UpdateKind.RemoveTag, n, Value.Null)));
                if (ops.Count == 0 && !w.Errors.Any(x => x.Path.StartsWith(path, StringComparison.Ordinal)))
                {
                    w.Error(path, "an update needs at least one of set, increment, unset, addTags, removeTags");
                }

                var next = w.Id(e, path, "next", required: true);
                return next is null ? null : new UpdateStep(ops, next) { Id = id };
            }

            case "exit":
                w.OnlyKnown(e, path, "type");
                return new ExitStep { Id = id };

            case null:
                return null;

            default:
                w.Error(path + ".type", $"unknown step type '{type}': expected one of {string.Join(", ", StepTypes)}");
                return null;
        }
    }

    private static IEnumerable<string> Names(JsonWalker w, JsonElement e, string path, string name)
    {
        if (!e.TryGetProperty(name, out var arr))
        {
            return [];
        }

        if (arr.ValueKind != JsonValueKind.Array || arr.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(x.GetString())))
        {
            w.Error(path + "." + name, $"expected an array of non-empty strings, found {JsonWalker.Describe(arr)}");
            return [];
        }

        return arr.EnumerateArray().Select(x => x.GetString()!).ToList();
    }

    private static void CheckGraph(JsonWalker w, Dictionary<string, Step> steps, HashSet<string> declared, string start)
    {
        // References are checked against every declared step, so a step with its own mistake does not cause false "does not exist" errors.
        if (!declared.Contains(start))
        {
            w.Error("$.start", $"step '{start}' does not exist: expected one of {string.Join(", ", declared)}");
        }

        foreach (var step in steps.Values)
        {
            foreach (var (field, target) in References(step))
            {
                if (!declared.Contains(target))
                {
                    w.Error($"{JsonWalker.Child("$.steps", step.Id)}.{field}", $"step '{target}' does not exist: expected one of {string.Join(", ", declared)}");
                }
            }
        }

        if (steps.Count != declared.Count)
        {
            // Some step did not parse: its successors are unknown, so reachability cannot be judged yet.
            return;
        }

        // Reachability from the start step.
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        if (steps.ContainsKey(start))
        {
            stack.Push(start);
        }

        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (!reached.Add(id))
            {
                continue;
            }

            foreach (var next in steps[id].Successors.Where(steps.ContainsKey))
            {
                stack.Push(next);
            }
        }

        foreach (var id in steps.Keys.Where(k => !reached.Contains(k)))
        {
            w.Error(JsonWalker.Child("$.steps", id), $"step '{id}' is unreachable from the start step '{start}'");
        }

        // A cycle through steps that never wait would run forever in one instant.
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var id in steps.Keys)
        {
            if (FindInstantLoop(id, steps, state, new List<string>()) is { } loop)
            {
                w.Error(JsonWalker.Child("$.steps", loop[0]), $"loop with no wait in it: {string.Join(" -> ", loop)} -> {loop[0]}; add a wait or waitForEvent step to the loop");
                break;
            }
        }
    }

    private static List<string>? FindInstantLoop(string id, Dictionary<string, Step> steps, Dictionary<string, int> state, List<string> path)
    {
        if (!steps.TryGetValue(id, out var step) || step.Waits)
        {
            return null;
        }

        if (state.TryGetValue(id, out var s))
        {
            return s == 1 ? path.Skip(path.IndexOf(id)).ToList() : null;
        }

        state[id] = 1;
        path.Add(id);
        foreach (var next in step.Successors)
        {
            if (FindInstantLoop(next, steps, state, path) is { } loop)
            {
                return loop;
            }
        }

        path.RemoveAt(path.Count - 1);
        state[id] = 2;
        return null;
    }

    private static IEnumerable<(string Field, string Target)> References(Step step) => step switch
    {
        SendStep s => [("next", s.Next)],
        WaitStep s => [("next", s.Next)],
        UpdateStep s => [("next", s.Next)],
        WaitForEventStep s => [("onEvent", s.OnEvent), ("onTimeout", s.OnTimeout)],
        BranchStep s => s.Cases.Select((c, i) => ($"cases[{i}].next", c.Next)).Append(("otherwise", s.Otherwise)),
        SplitStep s => s.Variants.Select((v, i) => ($"variants[{i}].next", v.Next)),
        _ => [],
    };
}
