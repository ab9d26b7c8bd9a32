using Microsoft.Extensions.Options;
using ScenarioEngine.Channels;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Api.Settings;

namespace ScenarioEngine.Api.Catalog;

/// <summary>
/// The data paths a customer's message data can hold (see TemplateData.For): profile attributes shops send, the values the
/// engine computes, and the properties of the triggering event; plus any configured in Templates:DataPaths.
/// </summary>
public sealed class TemplateDataPaths
{
    /// <summary>Profile attributes documented in docs/events.md and used by the samples, plus common shop fields.</summary>
    public static readonly IReadOnlyList<string> ProfileAttributes =
    [
        "customerId", "email", "firstName", "lastName", "name", "phone", "birthday", "gender", "locale", "lineUserId", "memberRank",
        "postalCode", "prefecture", "region", "city", "addressLine1", "addressLine2", "country",
    ];

    /// <summary>Values the engine and the analytics jobs compute (docs/events.md: orders.*, nps.*, rfm.*, clv.*, lead.*).</summary>
    public static readonly IReadOnlyList<string> Computed =
    [
        "orders.count", "orders.total", "orders.average", "orders.items", "orders.firstAt", "orders.lastAt", "orders.lastAmount",
        "nps.score", "nps.category", "nps.respondedAt",
        "rfm.segment", "rfm.recency", "rfm.frequency", "rfm.monetary", "rfm.r", "rfm.f", "rfm.m", "rfm.score",
        "clv.value", "clv.pAlive", "clv.expectedPurchases", "lead.score", "segments.current",
    ];

    /// <summary>Event properties of the event types docs/events.md lists; readable as event.* and trigger.*.</summary>
    public static readonly IReadOnlyList<string> EventProperties =
    [
        "orderId", "amount", "currency", "itemCount", "quantity", "category", "cartId", "cartTotal", "couponCode", "source",
        "score", "comment", "medium", "reason", "segment", "previous", "next", "causeEventId", "causeEventType", "productId", "productName", "url",
        "journey",
    ];

    /// <summary>Builds the dictionary from the defaults and the configured extra paths.</summary>
    public TemplateDataPaths(IOptions<TemplateOptions> options)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        paths.UnionWith(ProfileAttributes.Select(a => "profile." + a));
        paths.UnionWith(Computed);
        paths.UnionWith(EventProperties.Select(p => "event." + p));
        paths.UnionWith(EventProperties.Select(p => "trigger." + p));
        paths.UnionWith(options.Value.DataPaths.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        All = paths.ToList();
    }

    /// <summary>Every available path.</summary>
    public IReadOnlyList<string> All { get; }
}

/// <summary>
/// The checks a document must pass before it is saved or published, against everything that later reads it: a message against its
/// template syntax, the postcard batch's columns and the journeys that send it; a journey against its messages (placeholders resolve)
/// and the segments it triggers on.
/// </summary>
public sealed class PublishChecks(TemplateRenderer templates, TemplateDataPaths paths)
{
    private const string KnownPaths =
        "known: profile.<attribute>, event.<property>, trigger.<property>, orders.*, nps.*, rfm.*; add others to Templates:DataPaths";

    /// <summary>Problems of a message on its own, with their JSON paths: template syntax, and postcard fields the print batch cannot hold.</summary>
    public IReadOnlyList<ValidationError> CheckMessage(MessageDocument message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var errors = new List<ValidationError>();
        foreach (var (path, template) in message.Templates())
        {
            try
            {
                templates.FindPlaceholders(template);
            }
            catch (TemplateSyntaxException ex)
            {
                errors.Add(new ValidationError(path, ex.Message));
            }
        }

        foreach (var field in message.Postcard?.Fields.Keys ?? [])
        {
            if (PostcardCsv.CheckFieldName(field) is { } problem)
            {
                errors.Add(new ValidationError(FieldPath(field), problem));
            }
        }

        return errors;
    }

    /// <summary>
    /// What a new version of <paramref name="message"/> would break in the journeys that send it (<paramref name="journeys"/>: every
    /// published version, since customers in older versions go on): each send step's medium keeps content, each placeholder of that
    /// content still resolves. Paths point into the message and the text names the journey and step.
    /// </summary>
    public IReadOnlyList<ValidationError> CheckSenders(MessageDocument message, IEnumerable<Journey> journeys)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(journeys);
        var errors = new List<ValidationError>();
        var senders = journeys
            .SelectMany(j => j.Steps.Values.OfType<SendStep>().Where(s => s.Message == message.Id).Select(s => (Journey: j, Step: s)))
            .GroupBy(x => x.Step.Medium, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var medium in senders)
        {
            var users = string.Join(", ", medium.Select(x => $"'{x.Journey.Id}' v{x.Journey.Version} step '{x.Step.Id}'").Distinct(StringComparer.Ordinal));
            if (!message.Media.Contains(medium.Key, StringComparer.Ordinal))
            {
                errors.Add(new ValidationError("$." + medium.Key,
                    $"is required: journey {users} sends this message by {medium.Key} (customers may be on their way to that step)"));
                continue;
            }

            foreach (var (path, problem) in PlaceholderProblems(message, medium.Key))
            {
                errors.Add(new ValidationError(path, $"{problem}; journey {users} sends this by {medium.Key}"));
            }
        }

        return errors;
    }

    /// <summary>
    /// For every send step: the message exists, and each placeholder of its content for the step's medium is a path a
    /// customer can have. Errors point at the step and name the message field.
    /// </summary>
    public IReadOnlyList<ValidationError> CheckPlaceholders(Journey journey, IReadOnlyDictionary<string, MessageDocument> messages)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(messages);
        var errors = new List<ValidationError>();
        foreach (var step in journey.Steps.Values.OfType<SendStep>().OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            var stepPath = $"$.steps.{step.Id}.message";
            if (!messages.TryGetValue(step.Message, out var message))
            {
                errors.Add(new ValidationError(stepPath, $"message '{step.Message}' does not exist: PUT /api/messages/{step.Message} first"));
                continue;
            }

            errors.AddRange(PlaceholderProblems(message, step.Medium).Select(p => new ValidationError(stepPath, $"message '{message.Id}' {p.Path}: {p.Problem}")));
        }

        return errors;
    }

    /// <summary>
    /// Every segment a journey names (its segment trigger, entered or left, and conditions such as
    /// <c>{"attr": "segments", "contains": "vip"}</c>) is a JSON segment that exists or an RFM segment id.
    /// </summary>
    public static IReadOnlyList<ValidationError> CheckSegments(Journey journey, Func<string, bool> segmentExists)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(segmentExists);
        return SegmentReferences(journey)
            .Where(r => !Runtime.Engine.Catalog.ReservedSegmentIds.Contains(r.Segment) && !segmentExists(r.Segment))
            .Select(r => new ValidationError(r.Path, $"segment '{r.Segment}' does not exist: PUT /api/segments/{r.Segment} first"))
            .ToList();
    }

    /// <summary>The segments a journey names, each with the JSON path of the trigger or condition that names it.</summary>
    public static IEnumerable<(string Path, string Segment)> SegmentReferences(Journey journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        switch (journey.Trigger)
        {
            case SegmentTrigger s:
                yield return ("$.trigger.segment", s.Segment);
                break;
            case EventTrigger { Match: { Event: SegmentTrigger.LeftEvent, Where: CompareCondition { Path: "event.segment", Op: CompareOp.Eq } c } }
                when c.Operand.Literal.AsString is { } left:
                yield return ("$.trigger.segment", left);
                break;
            case EventTrigger e:
                foreach (var r in InCondition(e.Match.Where, "$.trigger.where"))
                {
                    yield return r;
                }

                break;
        }

        var conditions = new List<(Condition? Condition, string Path)> { (journey.Audience, "$.audience"), (journey.Goal?.Match.Where, "$.goal.where") };
        conditions.AddRange(journey.ExitWhen.Select((m, i) => (m.Where, $"$.exitWhen[{i}].where")));
        foreach (var (id, step) in journey.Steps.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            switch (step)
            {
                case BranchStep b:
                    conditions.AddRange(b.Cases.Select((c, i) => ((Condition?)c.When, $"$.steps.{id}.cases[{i}].when")));
                    break;
                case WaitForEventStep w:
                    conditions.Add((w.Match.Where, $"$.steps.{id}.where"));
                    break;
            }
        }

        foreach (var r in conditions.SelectMany(c => InCondition(c.Condition, c.Path)))
        {
            yield return r;
        }
    }

    private static IEnumerable<(string Path, string Segment)> InCondition(Condition? condition, string path) => condition switch
    {
        AllCondition all => all.Conditions.SelectMany(c => InCondition(c, path)),
        AnyCondition any => any.Conditions.SelectMany(c => InCondition(c, path)),
        NotCondition not => InCondition(not.Inner, path),
        CountCondition count => InCondition(count.Where, path),
        CompareCondition { Path: "segments" or "segments.current", Op: CompareOp.Contains or CompareOp.Eq, Operand.Reference: null } c
            when c.Operand.Literal.AsString is { } segment => [(path, segment)],
        CompareCondition { Path: "segments" or "segments.current", Op: CompareOp.In, Operand.Reference: null } c
            when c.Operand.Literal.Kind == ValueKind.List => c.Operand.Literal.AsList.Select(v => v.AsString).OfType<string>().Select(s => (path, s)),
        _ => [],
    };

    private static string FieldPath(string field) =>
        field.Length > 0 && field.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? "$.postcard.fields." + field : $"$.postcard.fields['{field}']";

    private List<(string Path, string Problem)> PlaceholderProblems(MessageDocument message, string medium)
    {
        var problems = new List<(string, string)>();
        foreach (var (path, template) in message.Templates().Where(t => t.Path.StartsWith("$." + medium + ".", StringComparison.Ordinal)))
        {
            IReadOnlyList<string> missing;
            try
            {
                missing = templates.FindMissingPlaceholders(template, paths.All);
            }
            catch (TemplateSyntaxException ex)
            {
                problems.Add((path, ex.Message));
                continue;
            }

            problems.AddRange(missing.Select(p => (path, $"uses {{{{{p}}}}}, which no customer data provides ({KnownPaths})")));
        }

        return problems;
    }
}
