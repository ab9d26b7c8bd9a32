using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Endpoints;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Host.Hosting;

/// <summary>The response payload a custom handler returns to the Functions host.</summary>
public sealed record InvocationResponse(
    [property: JsonPropertyName("Outputs")] IReadOnlyDictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] object? ReturnValue);

/// <summary>
/// The Azure Functions custom-handler endpoints: the Functions host POSTs /{FunctionName} with {"Data": {binding: value},
/// "Metadata": {...}} for queue and timer triggers, and expects {"Outputs", "Logs", "ReturnValue"}. A non-2xx answer fails the
/// invocation, so the queue message is delivered again (and goes to the poison queue after host.json's maxDequeueCount).
/// HTTP triggers are forwarded as they are (enableForwardingHttpRequest) to the /api endpoints.
/// </summary>
public static class FunctionsApi
{
    /// <summary>The timer function running the sweeper.</summary>
    public const string Sweeper = "Sweeper";

    /// <summary>The timer function firing date and schedule triggers.</summary>
    public const string ScheduledTriggers = "ScheduledTriggers";

    /// <summary>The queue function of the timers queue.</summary>
    public const string Timers = "Timers";

    /// <summary>The queue function of the dispatch queue.</summary>
    public const string Dispatch = "Dispatch";

    /// <summary>The prefix of the events queue functions (Events0, Events1, ...).</summary>
    public const string EventsPrefix = "Events";

    /// <summary>Maps POST /{functionName}.</summary>
    public static IEndpointRouteBuilder MapFunctionsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/{functionName}", InvokeAsync).WithTags("Functions custom handler").ExcludeFromDescription();
        return app;
    }

    /// <summary>The queue a queue-triggered function reads, or null when the function is not a queue trigger.</summary>
    public static string? QueueOf(string functionName, EngineOptions options)
    {
        if (functionName == Timers)
        {
            return options.TimerQueue;
        }

        if (functionName == Dispatch)
        {
            return options.DispatchQueue;
        }

        if (functionName.StartsWith(EventsPrefix, StringComparison.Ordinal) &&
            int.TryParse(functionName.AsSpan(EventsPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index) &&
            index < options.EventQueueCount)
        {
            return options.EventQueue(index);
        }

        return null;
    }

    /// <summary>Handles one invocation.</summary>
    public static async Task<Results<JsonHttpResult<InvocationResponse>, ProblemHttpResult>> InvokeAsync(
        string functionName, HttpRequest request, JourneyEngine engine, IOptions<EngineHostOptions> hostOptions, TimeProvider time,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var queue = QueueOf(functionName, engine.Options);
        if (queue is null && functionName is not (Sweeper or ScheduledTriggers))
        {
            return Problems.NotFound($"No function '{functionName}'.");
        }

        using var body = await RequestBody.ReadJsonAsync(request, 1 << 20, cancellationToken, allowEmpty: true).ConfigureAwait(false);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var logs = new List<string>();
        try
        {
            if (queue is not null)
            {
                var text = QueueItemText(body);
                if (text is null)
                {
                    return Problems.Invalid("The invocation payload is invalid",
                        [new ApiError("$.Data", "expected {\"Data\": {\"<binding>\": \"<queue message>\"}, \"Metadata\": {...}}")]);
                }

                await engine.HandleQueueMessageAsync(queue, text, cancellationToken).ConfigureAwait(false);
                logs.Add($"{functionName}: handled a message of {queue}" + DequeueCount(body));
            }
            else if (functionName == Sweeper)
            {
                var n = await engine.SweepAsync(cancellationToken).ConfigureAwait(false);
                logs.Add($"Sweeper: re-enqueued {n} item(s)");
            }
            else
            {
                var now = time.GetUtcNow();
                var n = await engine.FireScheduledTriggersAsync(now - 2 * hostOptions.Value.ScheduledTriggersInterval, now, cancellationToken).ConfigureAwait(false);
                logs.Add($"ScheduledTriggers: {n} customer(s) due");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.FunctionFailed(loggers.CreateLogger(typeof(FunctionsApi)), functionName, ex);
            logs.Add($"{functionName} failed: {ex.GetType().Name}: {ex.Message}");
            return TypedResults.Json(new InvocationResponse(new Dictionary<string, object?>(), logs, null), statusCode: StatusCodes.Status500InternalServerError);
        }

        return TypedResults.Json(new InvocationResponse(new Dictionary<string, object?>(), logs, null));
    }

    /// <summary>The queue message: the first binding of Data, as a string (or the JSON text when the host sent it parsed).</summary>
    private static string? QueueItemText(BodyJson body)
    {
        if (body.Document is null || body.Root.ValueKind != JsonValueKind.Object ||
            !body.Root.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var binding in data.EnumerateObject())
        {
            return binding.Value.ValueKind switch
            {
                JsonValueKind.String => binding.Value.GetString(),
                JsonValueKind.Object or JsonValueKind.Array => binding.Value.GetRawText(),
                _ => null,
            };
        }

        return null;
    }

    private static string DequeueCount(BodyJson body) =>
        body.Root.TryGetProperty("Metadata", out var meta) && meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("DequeueCount", out var c)
            ? $" (delivery {c})"
            : "";
}
