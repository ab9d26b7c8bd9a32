using Microsoft.AspNetCore.Http.HttpResults;
using ScenarioEngine.Api.Audit;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Api.Catalog;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>What an instance waits for: a time (wait step) or an event until a timeout (waitForEvent step).</summary>
public sealed record WaitingFor(string Kind, DateTimeOffset? Until, string? Event = null);

/// <summary>One journey instance of a customer.</summary>
public sealed record CustomerJourney(
    string JourneyId, int Version, string InstanceId, InstanceStatus Status, string? Step, string? StepType, WaitingFor? WaitingFor,
    DateTimeOffset EnteredAt, DateTimeOffset StepEnteredAt, bool Holdout, string? Variant, DateTimeOffset? GoalDeadline,
    DateTimeOffset? ConvertedAt, DateTimeOffset? ExitedAt, string? ExitReason);

/// <summary>The profile part of a customer.</summary>
public sealed record ProfileView(
    IReadOnlyDictionary<string, Value> Attributes, IReadOnlyDictionary<string, bool> Consent, IReadOnlyDictionary<string, string> Suppressed,
    IReadOnlyList<string> Tags, string? TimeZone);

/// <summary>GET /api/customers/{id}.</summary>
public sealed record CustomerView(
    string CustomerId, ProfileView Profile, IReadOnlyDictionary<string, Value> Computed, IReadOnlyList<CustomerJourney> Journeys,
    IReadOnlyList<SentMessage> RecentSends);

/// <summary>A page of the time line, newest first.</summary>
public sealed record TimelineView(string CustomerId, IReadOnlyList<TimelineEntry> Entries);

/// <summary>GET .../why: the customer's instances of a journey and every decision recorded for it, oldest first.</summary>
public sealed record WhyView(string CustomerId, string JourneyId, IReadOnlyList<CustomerJourney> Instances, IReadOnlyList<TimelineEntry> Decisions);

/// <summary>DELETE /api/customers/{id}.</summary>
public sealed record ErasedView(string CustomerId, EraseResult Erased);

/// <summary>Customer endpoints for operators (read for GETs, publish to erase).</summary>
public static class CustomersApi
{
    private const int MaxTimeline = 1000;

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapCustomersEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/customers").WithTags("Customers");
        group.MapGet("/{customerId}", GetAsync).WithName("GetCustomer").RequireScope(ApiScope.Read).WithSummary("Profile, computed values, journeys with their step and wait, pending and recent sends.");
        group.MapGet("/{customerId}/timeline", TimelineAsync).WithName("GetCustomerTimeline").RequireScope(ApiScope.Read).WithSummary("The time line, newest first (?max=1..1000, default 100).");
        group.MapGet("/{customerId}/journeys/{journeyId}/why", WhyAsync).WithName("GetCustomerWhy").RequireScope(ApiScope.Read).WithSummary("Every decision taken for the customer in one journey.");
        group.MapDelete("/{customerId}", EraseAsync).WithName("EraseCustomer").RequireScope(ApiScope.Publish).Audited(AuditKinds.CustomerErased, "customerId").WithSummary("Erase personal data; anonymous counts stay.");
        return app;
    }

    /// <summary>The customer, or 404.</summary>
    public static async Task<Results<Ok<CustomerView>, ProblemHttpResult>> GetAsync(string customerId, JourneyEngine engine, CancellationToken cancellationToken)
    {
        if (!CustomerId.TryParse(customerId, out var id, out var why))
        {
            return Problems.Invalid("The customer id is invalid", [new ApiError("customerId", why)]);
        }

        var snapshot = await engine.GetCustomerAsync(id.Value, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return Problems.NotFound($"No customer '{id}': no event has been applied for this id (events are applied a moment after they are accepted).");
        }

        var p = snapshot.Profile;
        return TypedResults.Ok(new CustomerView(
            p.CustomerId,
            new ProfileView(p.Attributes, p.Consent, p.Suppressed, p.Tags.Order(StringComparer.Ordinal).ToList(), p.TimeZone),
            p.Computed,
            snapshot.Instances.Select(i => View(i.State, engine.Catalog)).OrderBy(j => j.Status).ThenByDescending(j => j.EnteredAt).ToList(),
            snapshot.RecentSends.OrderByDescending(s => s.SentAt).ToList()));
    }

    /// <summary>The time line, newest first.</summary>
    public static async Task<Results<Ok<TimelineView>, ProblemHttpResult>> TimelineAsync(string customerId, int? max, JourneyEngine engine, CancellationToken cancellationToken)
    {
        if (!CustomerId.TryParse(customerId, out var id, out var why))
        {
            return Problems.Invalid("The customer id is invalid", [new ApiError("customerId", why)]);
        }

        if (max is < 1 or > MaxTimeline)
        {
            return Problems.Invalid("The query is invalid", [new ApiError("max", $"expected 1 to {MaxTimeline}")]);
        }

        if (await engine.GetCustomerAsync(id.Value, cancellationToken).ConfigureAwait(false) is null)
        {
            return Problems.NotFound($"No customer '{id}'.");
        }

        var entries = await engine.GetTimelineAsync(id.Value, max ?? 100, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new TimelineView(id.Value, entries));
    }

    /// <summary>The decisions of one journey for one customer.</summary>
    public static async Task<Results<Ok<WhyView>, ProblemHttpResult>> WhyAsync(
        string customerId, string journeyId, JourneyEngine engine, DefinitionStore definitions, CancellationToken cancellationToken)
    {
        if (!CustomerId.TryParse(customerId, out var id, out var why))
        {
            return Problems.Invalid("The customer id is invalid", [new ApiError("customerId", why)]);
        }

        var snapshot = await engine.GetCustomerAsync(id.Value, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return Problems.NotFound($"No customer '{id}'.");
        }

        var known = engine.Catalog.Latest(journeyId) is not null || (await definitions.GetStateAsync(journeyId, cancellationToken).ConfigureAwait(false)) is not null;
        var instances = snapshot.Instances.Where(i => i.State.JourneyId == journeyId).Select(i => View(i.State, engine.Catalog)).OrderBy(j => j.EnteredAt).ToList();
        var timeline = await engine.GetTimelineAsync(id.Value, MaxTimeline, cancellationToken).ConfigureAwait(false);
        var decisions = timeline.Where(t => t.JourneyId == journeyId).Reverse().ToList();
        if (!known && instances.Count == 0 && decisions.Count == 0)
        {
            return Problems.NotFound($"No journey '{journeyId}'.");
        }

        return TypedResults.Ok(new WhyView(id.Value, journeyId, instances, decisions));
    }

    /// <summary>Erases the customer's personal data.</summary>
    public static async Task<Results<Ok<ErasedView>, ProblemHttpResult>> EraseAsync(string customerId, JourneyEngine engine, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!CustomerId.TryParse(customerId, out var id, out var why))
        {
            return Problems.Invalid("The customer id is invalid", [new ApiError("customerId", why)]);
        }

        var result = await engine.EraseCustomerAsync(id.Value, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return Problems.NotFound($"No customer '{id}'.");
        }

        Log.CustomerErased(loggers.CreateLogger(typeof(CustomersApi)), result.TimelineRowsDeleted, result.JourneysStopped);
        return TypedResults.Ok(new ErasedView(id.Value, result));
    }

    /// <summary>An instance with its step type and what it waits for.</summary>
    public static CustomerJourney View(JourneyInstance i, Runtime.Engine.Catalog catalog)
    {
        var step = i.Step is null ? null : catalog.Find(i.JourneyId, i.Version)?.Steps.GetValueOrDefault(i.Step);
        WaitingFor? waiting = i.Status != InstanceStatus.Active ? null : step switch
        {
            WaitStep => new WaitingFor("time", i.WakeAt),
            WaitForEventStep w => new WaitingFor("event", i.WakeAt, w.Match.Event),
            _ => null,
        };
        return new CustomerJourney(i.JourneyId, i.Version, i.InstanceId, i.Status, i.Step, step?.Type, waiting,
            i.EnteredAt, i.StepEnteredAt, i.Holdout, i.Variant, i.GoalDeadline, i.ConvertedAt, i.ExitedAt, i.ExitReason);
    }
}
