using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>The answer to accepted events: their ids (generated where the request gave none), in request order.</summary>
public sealed record AcceptedEvents(int Accepted, IReadOnlyList<string> Ids);

/// <summary>An event as posted (for the OpenAPI document; the handler reads the JSON itself to report every problem).</summary>
public sealed record EventInput(string? Id, string Type, string CustomerId, DateTimeOffset? OccurredAt, Dictionary<string, JsonElement>? Properties);

/// <summary>POST /api/events and POST /api/customers/{id}/identify: the shop-facing ingest (scope events).</summary>
public static class EventsApi
{
    /// <summary>The most events one request may carry.</summary>
    public const int MaxBatch = 1000;

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapEventsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Events");
        group.MapPost("/events", PostEventsAsync).WithName("PostEvents").RequireScope(ApiScope.Events)
            .Accepts<EventInput[]>("application/json")
            .WithSummary("Accept one event or a batch of up to 1,000; 202 once they are durably queued.");
        group.MapPost("/customers/{customerId}/identify", IdentifyAsync).WithName("IdentifyCustomer").RequireScope(ApiScope.Events)
            .Accepts<Dictionary<string, JsonElement>>("application/json")
            .WithSummary("Set profile attributes, consent (consent.<medium>) and time zone; queued as an identify event.");
        return app;
    }

    /// <summary>Validates every event, then queues all or none. An event without occurredAt happened when the request arrived.</summary>
    public static async Task<Results<Accepted<AcceptedEvents>, ProblemHttpResult>> PostEventsAsync(
        HttpRequest request, JourneyEngine engine, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        using var body = await RequestBody.ReadJsonAsync(request, RequestBody.DefaultLimit, cancellationToken).ConfigureAwait(false);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var (items, single) = body.Root.ValueKind switch
        {
            JsonValueKind.Object => ([body.Root], true),
            JsonValueKind.Array => (body.Root.EnumerateArray().ToList(), false),
            _ => (new List<JsonElement>(), true),
        };
        if (body.Root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            return Problems.Invalid("The events are invalid", [new ApiError("$", $"expected an event object or an array of events, found {Kind(body.Root)}")]);
        }

        if (items.Count == 0)
        {
            return Problems.Invalid("The events are invalid", [new ApiError("$", "the array is empty: expected 1 to 1,000 events")]);
        }

        if (items.Count > MaxBatch)
        {
            return Problems.Invalid("Too many events", [new ApiError("$", $"a request carries at most {MaxBatch:N0} events, this one has {items.Count:N0}: split it")]);
        }

        var events = new List<CustomerEvent>(items.Count);
        var errors = new List<ApiError>();
        for (var i = 0; i < items.Count; i++)
        {
            var path = single ? "$" : $"$[{i}]";
            var (e, problems) = EventJson.Parse(items[i], path, NewEventId(), receivedAt);
            foreach (var p in problems)
            {
                errors.Add(ForItem(p.Path, p.Message, single ? null : i, path));
            }

            if (e is not null && !CustomerId.TryParse(e.CustomerId, out _, out var why))
            {
                errors.Add(ForItem(path + ".customerId", why, single ? null : i, path));
                e = null;
            }

            if (e is not null)
            {
                events.Add(e);
            }
        }

        if (errors.Count > 0)
        {
            var bad = errors.Select(x => x.Index).Distinct().Count();
            return Problems.Invalid(single ? "The event is invalid" : "The batch is invalid", errors,
                single ? $"{errors.Count} problem(s); the event was not accepted."
                       : $"{errors.Count} problem(s) in {bad} of {items.Count} events; no event of this batch was accepted.");
        }

        return await IngestAsync(engine, events, loggers, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Turns a flat or nested properties object into an identify event.</summary>
    public static async Task<Results<Accepted<AcceptedEvents>, ProblemHttpResult>> IdentifyAsync(
        string customerId, HttpRequest request, JourneyEngine engine, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!CustomerId.TryParse(customerId, out var id, out var why))
        {
            return Problems.Invalid("The customer id is invalid", [new ApiError("customerId", why)]);
        }

        using var body = await RequestBody.ReadJsonAsync(request, RequestBody.DefaultLimit, cancellationToken).ConfigureAwait(false);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (body.Root.ValueKind != JsonValueKind.Object)
        {
            return Problems.Invalid("The profile is invalid", [new ApiError("$", $"expected an object of attributes, found {Kind(body.Root)}")]);
        }

        var properties = new Dictionary<string, Value>(StringComparer.Ordinal);
        var errors = new List<ApiError>();
        Flatten(body.Root, "", properties, errors);
        foreach (var (name, value) in properties)
        {
            var path = "$." + name;
            if (name.StartsWith("consent.", StringComparison.Ordinal) && value.Kind != ValueKind.Bool)
            {
                errors.Add(new ApiError(path, $"consent is true or false, not {value}"));
            }
            else if (name == "timeZone" && (value.Kind != ValueKind.String || !IsTimeZone(value.AsString!)))
            {
                errors.Add(new ApiError(path, $"expected an IANA time zone such as \"Asia/Tokyo\", not {value}"));
            }
        }

        if (properties.Count == 0)
        {
            errors.Add(new ApiError("$", "expected at least one attribute, consent or timeZone"));
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid("The profile is invalid", errors, $"{errors.Count} problem(s); nothing was accepted.");
        }

        var key = request.Headers["Idempotency-Key"].ToString();
        var eventId = key.Length is > 0 and <= 256 ? key : NewEventId();
        var e = new CustomerEvent(eventId, "identify", id.Value, time.GetUtcNow(), properties);
        if (EventJson.CheckSize(e, "$") is { } tooLarge)
        {
            return Problems.Invalid("The profile is invalid", [tooLarge], "1 problem(s); nothing was accepted.");
        }

        return await IngestAsync(engine, [e], loggers, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<Accepted<AcceptedEvents>, ProblemHttpResult>> IngestAsync(
        JourneyEngine engine, List<CustomerEvent> events, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        try
        {
            await engine.IngestAsync(events, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.IngestFailed(loggers.CreateLogger(typeof(EventsApi)), events.Count, ex);
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "The events could not be queued",
                "Storage did not accept the events; retry the same request (events with the same ids are applied once).");
        }

        return TypedResults.Accepted((string?)null, new AcceptedEvents(events.Count, events.Select(e => e.Id).ToList()));
    }

    /// <summary>A new event id: time-ordered and unique.</summary>
    public static string NewEventId() => "evt-" + Guid.CreateVersion7().ToString("N");

    private static ApiError ForItem(string path, string message, int? index, string itemPath) =>
        new(path, message, index, path.Length > itemPath.Length + 1 && path.StartsWith(itemPath + ".", StringComparison.Ordinal) ? path[(itemPath.Length + 1)..] : null);

    private static void Flatten(JsonElement obj, string prefix, Dictionary<string, Value> into, List<ApiError> errors)
    {
        foreach (var p in obj.EnumerateObject())
        {
            var name = prefix + p.Name;
            if (p.Name.Length == 0)
            {
                errors.Add(new ApiError("$." + prefix, "an attribute name may not be empty"));
            }
            else if (p.Value.ValueKind == JsonValueKind.Object)
            {
                Flatten(p.Value, name + ".", into, errors);
            }
            else
            {
                var problems = new List<ValidationError>();
                if (EventJson.PropertyValue(p.Value, "$." + name, problems) is { } value)
                {
                    into[name] = value;
                }

                errors.AddRange(problems.Select(e => new ApiError(e.Path, e.Message)));
            }
        }
    }

    private static bool IsTimeZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    internal static string KindOf(JsonElement e) => Kind(e);
}
