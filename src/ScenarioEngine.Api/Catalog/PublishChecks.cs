using Microsoft.Extensions.Options;
using ScenarioEngine.Channels;
using ScenarioEngine.Core.Language;
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

/// <summary>The checks a journey must pass to be published, beyond parsing: every placeholder of every message it sends resolves.</summary>
public sealed class PublishChecks(TemplateRenderer templates, TemplateDataPaths paths)
{
    /// <summary>Template syntax errors of a message, with their JSON paths.</summary>
    public IReadOnlyList<ValidationError> CheckSyntax(MessageDocument message)
    {
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

        return errors;
    }

    /// <summary>
    /// For every send step: the message exists, and each placeholder of its content for the step's medium is a path a
    /// customer can have. Errors point at the step and name the message field.
    /// </summary>
    public IReadOnlyList<ValidationError> CheckPlaceholders(Journey journey, IReadOnlyDictionary<string, MessageDocument> messages)
    {
        var errors = new List<ValidationError>();
        foreach (var step in journey.Steps.Values.OfType<SendStep>().OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            var stepPath = $"$.steps.{step.Id}.message";
            if (!messages.TryGetValue(step.Message, out var message))
            {
                errors.Add(new ValidationError(stepPath, $"message '{step.Message}' does not exist: PUT /api/messages/{step.Message} first"));
                continue;
            }

            foreach (var (path, template) in message.Templates().Where(t => t.Path.StartsWith("$." + step.Medium + ".", StringComparison.Ordinal)))
            {
                IReadOnlyList<string> missing;
                try
                {
                    missing = templates.FindMissingPlaceholders(template, paths.All);
                }
                catch (TemplateSyntaxException ex)
                {
                    errors.Add(new ValidationError(stepPath, $"message '{message.Id}' {path}: {ex.Message}"));
                    continue;
                }

                foreach (var placeholder in missing)
                {
                    errors.Add(new ValidationError(stepPath,
                        $"message '{message.Id}' {path} uses {{{{{placeholder}}}}}, which no customer data provides " +
                        "(known: profile.<attribute>, event.<property>, trigger.<property>, orders.*, nps.*, rfm.*; add others to Templates:DataPaths)"));
                }
            }
        }

        return errors;
    }
}
