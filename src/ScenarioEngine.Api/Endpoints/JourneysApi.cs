using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ScenarioEngine.Api.Audit;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Api.Catalog;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Journeys.Storage.Simulation;

using ScenarioEngine.Api.Requests;
using ScenarioEngine.Api.Settings;
using Microsoft.Extensions.Options;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>A saved draft.</summary>
public sealed record DraftSaved(string Id, DateTimeOffset SavedAt);

/// <summary>A published version.</summary>
public sealed record Published(string Id, int Version, JourneyState State) : IAuditedVersion;

/// <summary>A journey's state after pause, resume or archive.</summary>
public sealed record StateChanged(string Id, JourneyState State);

/// <summary>A validation result (POST /api/journeys/validate).</summary>
public sealed record ValidationResult(bool Valid, IReadOnlyList<ApiError> Errors);

/// <summary>One journey in the list.</summary>
public sealed record JourneyListItem(string Id, string? Name, JourneyState? State, IReadOnlyList<int> Versions, int? LatestVersion, DateTimeOffset? DraftSavedAt, DateTimeOffset? LastPublishedAt);

/// <summary>One customer's instance at or through a step.</summary>
public sealed record StepCustomer(string CustomerId, string InstanceId, int Version, InstanceStatus Status, string? Step, DateTimeOffset EnteredAt, DateTimeOffset StepEnteredAt, string? ExitReason);

/// <summary>GET /api/journeys/{id}/steps/{stepId}/customers: one page.</summary>
public sealed record StepCustomersPage(string JourneyId, string StepId, bool Through, IReadOnlyList<StepCustomer> Customers, string? Continuation);

/// <summary>One journey with its documents.</summary>
public sealed record JourneyDetail(string Id, JourneyState? State, IReadOnlyList<int> Versions, JsonElement? Latest, JsonElement? Draft, DateTimeOffset? DraftSavedAt);

/// <summary>Counters of one step.</summary>
public sealed record StepStats(string StepId, IReadOnlyDictionary<string, int> Counts);

/// <summary>GET /api/journeys/{id}/stats and /counts; <paramref name="AsOf"/> is when the counts were aggregated (null: just now).</summary>
public sealed record JourneyStatsView(
    string JourneyId, int Entered, int Active, int Holdout, int Converted, int HoldoutConverted, double? Lift,
    IReadOnlyList<StepStats> Steps, IReadOnlyDictionary<string, int> Exits, IReadOnlyDictionary<string, int> Variants, DateTimeOffset? AsOf = null)
{
    /// <summary>Builds the view from the engine's aggregate.</summary>
    public static JourneyStatsView From(JourneyStats s)
    {
        var steps = new SortedDictionary<string, SortedDictionary<string, int>>(StringComparer.Ordinal);
        var exits = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, n) in s.Counts)
        {
            var dot = key.LastIndexOf('.');
            var (step, metric) = dot < 0 ? (key, "count") : (key[..dot], key[(dot + 1)..]);
            if (step == "(exit)")
            {
                exits[metric] = n;
                continue;
            }

            if (step == "(goal)")
            {
                continue;
            }

            if (!steps.TryGetValue(step, out var counts))
            {
                steps[step] = counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            }

            counts[metric] = n;
        }

        foreach (var (step, n) in s.Waiting)
        {
            if (!steps.TryGetValue(step, out var counts))
            {
                steps[step] = counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            }

            counts["waiting"] = n;
        }

        return new JourneyStatsView(s.JourneyId, s.Entered, s.Active, s.Holdout, s.Converted, s.HoldoutConverted, s.Lift,
            steps.Select(kv => new StepStats(kv.Key, kv.Value)).ToList(), exits, s.Variants, s.AsOf);
    }
}

/// <summary>One message a simulation would have sent.</summary>
public sealed record SimulatedSendView(DateTimeOffset At, string CustomerId, string StepId, string Medium, string MessageId, IReadOnlyDictionary<string, string> Content);

/// <summary>POST /api/journeys/{id}/simulate.</summary>
public sealed record SimulationView(string JourneyId, int Events, int Customers, IReadOnlyList<SimulatedSendView> Sends, JourneyStatsView Stats, long EventsApplied, long Skipped, long Deferred, long Failed);

/// <summary>Journey endpoints for marketers (read for GETs, write for drafts, validate and simulate, publish for publish, pause, resume and archive).</summary>
public static class JourneysApi
{
    private const int SimulationBodyLimit = 8 << 20;
    private const int MaxSimulationEvents = 20_000;
    private const int MaxStepPage = 500;

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapJourneysEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/journeys").WithTags("Journeys");
        group.MapGet("/", ListAsync).WithName("ListJourneys").RequireScope(ApiScope.Read).WithSummary("Every journey with its versions, state and draft (?includeArchived=true for archived ones).");
        group.MapGet("/{journeyId}", GetAsync).WithName("GetJourney").RequireScope(ApiScope.Read).WithSummary("A journey's latest version and draft.");
        group.MapPut("/{journeyId}/draft", PutDraftAsync).WithName("PutJourneyDraft").RequireScope(ApiScope.Write).Audited(AuditKinds.DraftSaved, "journeyId").Accepts<JsonElement>("application/json").WithSummary("Create or replace the draft (validated).");
        group.MapPost("/{journeyId}/publish", PublishAsync).WithName("PublishJourney").RequireScope(ApiScope.Publish).Audited(AuditKinds.Published, "journeyId").WithSummary("Publish the draft as a new immutable version; above Publishing:ConfirmAbove customers in the 24-hour forecast, only with ?confirm=<that count> (else 409 with the forecast).");
        group.MapPost("/{journeyId}/pause", (string journeyId, DefinitionStore d, ILoggerFactory l, CancellationToken ct) => SetStateAsync(journeyId, JourneyState.Paused, d, l, ct)).WithName("PauseJourney").RequireScope(ApiScope.Publish).Audited(AuditKinds.Paused, "journeyId")
            .WithSummary("Stop new entries; customers in the journey go on.");
        group.MapPost("/{journeyId}/resume", (string journeyId, DefinitionStore d, ILoggerFactory l, CancellationToken ct) => SetStateAsync(journeyId, JourneyState.Active, d, l, ct)).WithName("ResumeJourney").RequireScope(ApiScope.Publish).Audited(AuditKinds.Resumed, "journeyId")
            .WithSummary("Take new entries again.");
        group.MapPost("/{journeyId}/archive", (string journeyId, DefinitionStore d, ILoggerFactory l, CancellationToken ct) => SetStateAsync(journeyId, JourneyState.Archived, d, l, ct)).WithName("ArchiveJourney").RequireScope(ApiScope.Publish).Audited(AuditKinds.Archived, "journeyId")
            .WithSummary("Retire the journey: no new entries, hidden from the list.");
        group.MapPost("/validate", ValidateAsync).WithName("ValidateJourney").RequireScope(ApiScope.Write).NotAChange().Accepts<JsonElement>("application/json").WithSummary("Validate a journey document without saving it.");
        group.MapPost("/{journeyId}/simulate", SimulateAsync).WithName("SimulateJourney").RequireScope(ApiScope.Write).NotAChange().Accepts<SimulationRequest>("application/json").WithSummary("Run the draft (or a posted journey) over posted events in virtual time.");
        group.MapGet("/{journeyId}/stats", StatsAsync).WithName("GetJourneyStats").RequireScope(ApiScope.Read)
            .WithSummary("Per-step counters (with the instances waiting at each step now), conversions, holdout and variants, scanned now.");
        group.MapGet("/{journeyId}/counts", CountsAsync).WithName("GetJourneyCounts").RequireScope(ApiScope.Read)
            .WithSummary("The same figures as the counts job last aggregated them (one stored row, asOf says when): a whole canvas in one cheap request.");
        group.MapGet("/{journeyId}/steps/{stepId}/customers", StepCustomersAsync).WithName("ListStepCustomers").RequireScope(ApiScope.Read)
            .WithSummary("The customers at a step now (or, with ?through=true, every one who entered it), a page at a time (?max=1..500, default 50; ?continuation=).");
        return app;
    }

    /// <summary>The list.</summary>
    public static async Task<Ok<IReadOnlyList<JourneyListItem>>> ListAsync(bool? includeArchived, DefinitionStore definitions, CancellationToken cancellationToken)
    {
        var all = await definitions.ListJourneysAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<JourneyListItem> items = all.Where(j => includeArchived == true || j.State != JourneyState.Archived)
            .Select(j => new JourneyListItem(j.Id, j.Name, j.State, j.Versions, j.Versions.Count == 0 ? null : j.Versions[^1], j.DraftSavedAt, j.LastPublishedAt)).ToList();
        return TypedResults.Ok(items);
    }

    /// <summary>One journey.</summary>
    public static async Task<Results<Ok<JourneyDetail>, ProblemHttpResult>> GetAsync(string journeyId, DefinitionStore definitions, CancellationToken cancellationToken)
    {
        var versions = await definitions.GetVersionsAsync(journeyId, cancellationToken).ConfigureAwait(false);
        var draft = await definitions.GetDraftAsync(journeyId, cancellationToken).ConfigureAwait(false);
        if (versions.Count == 0 && draft is null)
        {
            return Problems.NotFound($"No journey '{journeyId}'.");
        }

        var state = await definitions.GetStateAsync(journeyId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new JourneyDetail(journeyId, state, versions.Select(v => v.Version).ToList(),
            versions.Count == 0 ? null : Element(versions[^1].Document.Json), draft is null ? null : Element(draft.Json), draft?.SavedAt));
    }

    /// <summary>Saves a validated draft.</summary>
    public static async Task<Results<Ok<DraftSaved>, ProblemHttpResult>> PutDraftAsync(
        string journeyId, HttpRequest request, JourneyEngine engine, DefinitionStore definitions, CancellationToken cancellationToken)
    {
        if (!DocumentId.IsValid(journeyId))
        {
            return Problems.Invalid("The journey id is invalid", [new ApiError("journeyId", "expected letters, digits, '-', '_' or '.', starting with a letter or digit")]);
        }

        var body = await RequestBody.ReadTextAsync(request, RequestBody.DefaultLimit, cancellationToken).ConfigureAwait(false);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var json = body.Text!;
        var (journey, errors) = Validate(json, journeyId, engine.Catalog.Messages, id => engine.Catalog.FindSegment(id) is not null);
        if (journey is null)
        {
            return Problems.Invalid("The journey is invalid", errors, $"{errors.Count} problem(s); the draft was not saved.");
        }

        var saved = await definitions.SaveDraftAsync(journeyId, json, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new DraftSaved(journeyId, saved.SavedAt));
    }

    /// <summary>
    /// Publishes the draft. When the 24-hour forecast is above Publishing:ConfirmAbove, publishing needs <c>?confirm=</c> with at least the
    /// forecast's count of customers; without it (or with a smaller, stale one) the answer is 409 with the forecast as "preview".
    /// </summary>
    public static async Task<Results<Created<Published>, ProblemHttpResult>> PublishAsync(
        string journeyId, string? confirm, JourneyEngine engine, DefinitionStore definitions, PublishChecks checks, PublishForecaster forecaster,
        IOptions<PublishingOptions> publishing, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var (confirmed, confirmError) = PublishPreviewApi.ParseConfirm(confirm);
        if (confirmError is not null)
        {
            return Problems.Invalid("The query is invalid", [confirmError], "1 problem; nothing was published.");
        }

        var draft = await definitions.GetDraftAsync(journeyId, cancellationToken).ConfigureAwait(false);
        if (draft is null)
        {
            return Problems.NotFound($"Journey '{journeyId}' has no draft: PUT /api/journeys/{journeyId}/draft first.");
        }

        await definitions.ReloadAsync(cancellationToken).ConfigureAwait(false);
        var (journey, all) = ValidateForPublish(draft.Json, journeyId, engine, checks);
        if (journey is null)
        {
            return Problems.Invalid("The draft cannot be published", all, $"{all.Count} problem(s); nothing was published.");
        }

        var logger = loggers.CreateLogger(typeof(JourneysApi));
        if (publishing.Value.ConfirmAbove >= 0)
        {
            var preview = await PublishPreviewApi.ForecastAsync(journey, engine, forecaster, publishing.Value, time, loggers, cancellationToken).ConfigureAwait(false);
            if (preview.ConfirmationRequired && (confirmed is null || confirmed < preview.Customers))
            {
                Log.PublishNeedsConfirmation(logger, journeyId, preview.Customers, confirmed);
                return PublishPreviewApi.ConfirmationNeeded(preview, confirmed);
            }
        }

        var version = await definitions.PublishAsync(journeyId, draft.Json, cancellationToken).ConfigureAwait(false);
        await definitions.ReloadAsync(cancellationToken).ConfigureAwait(false);
        Log.JourneyPublished(logger, journeyId, version);
        var state = await definitions.GetStateAsync(journeyId, cancellationToken).ConfigureAwait(false) ?? JourneyState.Active;
        return TypedResults.Created($"/api/journeys/{journeyId}", new Published(journeyId, version, state));
    }

    /// <summary>The checks a draft must pass to be published: the parser's, the route id (when given), the segments and the placeholders; the journey when none failed.</summary>
    public static (Journey? Journey, IReadOnlyList<ApiError> Errors) ValidateForPublish(string json, string? journeyId, JourneyEngine engine, PublishChecks checks)
    {
        var (journey, errors) = Validate(json, journeyId, engine.Catalog.Messages, id => engine.Catalog.FindSegment(id) is not null);
        var all = errors.Select(e => new ApiError(e.Path, e.Message)).ToList();
        if (journey is not null)
        {
            all.AddRange(checks.CheckPlaceholders(journey, engine.Catalog.Messages).Select(e => new ApiError(e.Path, e.Message)));
        }

        return all.Count > 0 ? (null, all) : (journey, all);
    }

    /// <summary>Pause, resume or archive.</summary>
    public static async Task<Results<Ok<StateChanged>, ProblemHttpResult>> SetStateAsync(
        string journeyId, JourneyState state, DefinitionStore definitions, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!await definitions.SetStateAsync(journeyId, state, cancellationToken).ConfigureAwait(false))
        {
            return Problems.NotFound($"Journey '{journeyId}' has no published version.");
        }

        await definitions.ReloadAsync(cancellationToken).ConfigureAwait(false);
        Log.JourneyStateChanged(loggers.CreateLogger(typeof(JourneysApi)), journeyId, state.ToString());
        return TypedResults.Ok(new StateChanged(journeyId, state));
    }

    /// <summary>Validates without saving: the parser's checks and the placeholder checks publishing makes.</summary>
    public static async Task<Results<Ok<ValidationResult>, ProblemHttpResult>> ValidateAsync(
        HttpRequest request, JourneyEngine engine, PublishChecks checks, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadTextAsync(request, RequestBody.DefaultLimit, cancellationToken).ConfigureAwait(false);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var (_, all) = ValidateForPublish(body.Text!, null, engine, checks);
        return TypedResults.Ok(new ValidationResult(all.Count == 0, all));
    }

    /// <summary>Simulates the draft (or the journey in the body, or the latest version) over posted events.</summary>
    public static async Task<Results<Ok<SimulationView>, ProblemHttpResult>> SimulateAsync(
        string journeyId, HttpRequest request, JourneyEngine engine, DefinitionStore definitions, IMessageRenderer renderer, CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestBody.ReadAsync(request, ApiJsonContext.Default.SimulationRequest, SimulationBodyLimit, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var (requestErrors, runFor) = body!.Validate(MaxSimulationEvents);
        var errors = requestErrors.ToList();
        var events = new List<CustomerEvent>();
        if (body.Events is { } items && items.Count <= MaxSimulationEvents)
        {
            var i = 0;
            foreach (var item in items)
            {
                var (e, problems) = EventJson.Parse(item, $"$.events[{i}]", $"sim-{i}");
                errors.AddRange(problems.Select(p => new ApiError(p.Path, p.Message, i)));
                if (e is not null)
                {
                    events.Add(e);
                }

                i++;
            }
        }

        string? json = null;
        if (body.Journey is { } j)
        {
            json = j.GetRawText();
        }
        else if (await definitions.GetDraftAsync(journeyId, cancellationToken).ConfigureAwait(false) is { } draft)
        {
            json = draft.Json;
        }
        else if ((await definitions.GetVersionsAsync(journeyId, cancellationToken).ConfigureAwait(false)) is { Count: > 0 } versions)
        {
            json = versions[^1].Document.Json;
        }

        Journey? journey = null;
        if (json is null)
        {
            if (errors.Count == 0)
            {
                return Problems.NotFound($"Journey '{journeyId}' has no draft or version; post one as \"journey\".");
            }
        }
        else
        {
            var (parsed, journeyErrors) = Validate(json, journeyId, engine.Catalog.Messages);
            journey = parsed;
            errors.AddRange(journeyErrors.Select(e => new ApiError("$.journey" + e.Path[1..], e.Message)));
        }

        if (errors.Count > 0 || journey is null)
        {
            return Problems.Invalid("The simulation request is invalid", errors, $"{errors.Count} problem(s); nothing was simulated.");
        }

        var report = await ShardedSimulation.RunAsync(() => new Simulator([journey], engine.Catalog.Messages.Values, renderer: renderer), events, runFor,
            Environment.ProcessorCount, cancellationToken).ConfigureAwait(false);
        var stats = report.Stats.GetValueOrDefault(journey.Id) ?? new JourneyStats(journey.Id);
        return TypedResults.Ok(new SimulationView(journey.Id, report.Events, report.Customers,
            report.Sends.Select(s => new SimulatedSendView(s.At, s.CustomerId, s.StepId, s.Medium, s.MessageId, s.Content)).ToList(),
            JourneyStatsView.From(stats), report.Metrics.EventsApplied, report.Skipped, report.Deferred, report.Failed));
    }

    /// <summary>Statistics over the journey's instances (a scan: for reports, not dashboards refreshing every second).</summary>
    public static async Task<Results<Ok<JourneyStatsView>, ProblemHttpResult>> StatsAsync(
        string journeyId, JourneyEngine engine, DefinitionStore definitions, CancellationToken cancellationToken)
    {
        if (!await IsPublishedAsync(journeyId, engine, definitions, cancellationToken).ConfigureAwait(false))
        {
            return Problems.NotFound($"Journey '{journeyId}' has no published version.");
        }

        var stats = await engine.GetStatsAsync(journeyId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(JourneyStatsView.From(stats));
    }

    /// <summary>The journey's counts as last aggregated (a scan only before the counts job saw the journey).</summary>
    public static async Task<Results<Ok<JourneyStatsView>, ProblemHttpResult>> CountsAsync(
        string journeyId, JourneyEngine engine, DefinitionStore definitions, CancellationToken cancellationToken)
    {
        if (!await IsPublishedAsync(journeyId, engine, definitions, cancellationToken).ConfigureAwait(false))
        {
            return Problems.NotFound($"Journey '{journeyId}' has no published version.");
        }

        var counts = await engine.GetCountsAsync(journeyId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(JourneyStatsView.From(counts));
    }

    /// <summary>A page of the customers at (or through) a step.</summary>
    public static async Task<Results<Ok<StepCustomersPage>, ProblemHttpResult>> StepCustomersAsync(
        string journeyId, string stepId, bool? through, int? max, string? continuation, JourneyEngine engine, DefinitionStore definitions, CancellationToken cancellationToken)
    {
        var errors = new List<ApiError>();
        if (max is < 1 or > MaxStepPage)
        {
            errors.Add(new ApiError("max", $"expected 1 to {MaxStepPage}"));
        }

        if (continuation is not null && !JourneyEngine.IsContinuation(continuation))
        {
            errors.Add(new ApiError("continuation", "expected the continuation of a previous page, as given"));
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid("The query is invalid", errors);
        }

        if (!await IsPublishedAsync(journeyId, engine, definitions, cancellationToken).ConfigureAwait(false))
        {
            return Problems.NotFound($"Journey '{journeyId}' has no published version.");
        }

        var page = await engine.ListStepInstancesAsync(journeyId, stepId, through == true, max ?? 50, continuation, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new StepCustomersPage(journeyId, stepId, through == true,
            page.Instances.Select(i => new StepCustomer(i.CustomerId, i.InstanceId, i.Version, i.Status, i.Step, i.EnteredAt, i.StepEnteredAt, i.ExitReason)).ToList(),
            page.Continuation));
    }

    private static async Task<bool> IsPublishedAsync(string journeyId, JourneyEngine engine, DefinitionStore definitions, CancellationToken cancellationToken) =>
        engine.Catalog.Latest(journeyId) is not null || await definitions.GetStateAsync(journeyId, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>
    /// Parses a journey document and checks its id against the route and, given <paramref name="segmentExists"/>, that the segment it
    /// triggers on exists.
    /// </summary>
    public static (Journey? Journey, IReadOnlyList<ValidationError> Errors) Validate(string json, string? routeId, IReadOnlyDictionary<string, MessageDocument> messages,
        Func<string, bool>? segmentExists = null)
    {
        var parsed = JourneyParser.Parse(json, messages);
        var errors = parsed.Errors.ToList();
        if (routeId is not null && parsed.Value is { } j && j.Id != routeId)
        {
            errors.Add(new ValidationError("$.id", $"the document's id '{j.Id}' differs from the id in the URL '{routeId}'"));
        }

        if (segmentExists is not null && parsed.Value is { } journey)
        {
            errors.AddRange(PublishChecks.CheckSegments(journey, segmentExists));
        }

        return errors.Count > 0 ? (null, errors) : (parsed.Value, errors);
    }

    private static JsonElement Element(string json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return doc.RootElement.Clone();
    }
}
