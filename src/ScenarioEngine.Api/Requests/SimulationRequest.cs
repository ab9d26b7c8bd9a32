using System.Text.Json;
using System.Text.Json.Serialization;
using ScenarioEngine.Api.Endpoints;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Api.Requests;

/// <summary>The body of <c>POST /api/journeys/{journeyId}/simulate</c>: events (each in the events format), optionally a journey to
/// simulate instead of the draft, and how long to run in virtual time.</summary>
public sealed record SimulationRequest
{
    /// <summary>The longest virtual run.</summary>
    public static readonly TimeSpan MaxRunFor = TimeSpan.FromDays(400);

    /// <summary>The run when <see cref="RunFor"/> is absent.</summary>
    public static readonly TimeSpan DefaultRunFor = TimeSpan.FromDays(30);

    /// <summary>The events, in the format of <c>POST /api/events</c> (each with <c>occurredAt</c>).</summary>
    public IReadOnlyList<JsonElement>? Events { get; init; }

    /// <summary>A journey document to simulate instead of the draft (or the latest version).</summary>
    public JsonElement? Journey { get; init; }

    /// <summary>An ISO-8601 duration up to P400D (default P30D).</summary>
    public string? RunFor { get; init; }

    /// <summary>Fields the request does not know; each is reported.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }

    /// <summary>Every problem of the request's own fields (the events and the journey are checked by their parsers), and the run length.</summary>
    public (IReadOnlyList<ApiError> Errors, TimeSpan RunFor) Validate(int maxEvents)
    {
        var errors = new List<ApiError>();
        foreach (var name in Unknown?.Keys ?? Enumerable.Empty<string>())
        {
            errors.Add(new ApiError("$." + name, $"unknown field '{name}'; expected events, journey or runFor"));
        }

        var runFor = DefaultRunFor;
        if (RunFor is not null)
        {
            if (!IsoDuration.TryParse(RunFor, out var d) || d.Negative || d.Approximate > MaxRunFor)
            {
                errors.Add(new ApiError("$.runFor", "expected an ISO-8601 duration up to P400D, such as \"P30D\""));
            }
            else
            {
                runFor = d.Approximate;
            }
        }

        if (Events is null)
        {
            errors.Add(new ApiError("$.events", "is required: expected an array of events"));
        }
        else if (Events.Count > maxEvents)
        {
            errors.Add(new ApiError("$.events", $"a simulation takes at most {maxEvents:N0} events"));
        }

        return (errors, runFor);
    }
}
