using System.Text.Json;
using System.Text.Json.Serialization;
using ScenarioEngine.Api.Endpoints;

namespace ScenarioEngine.Api.Requests;

/// <summary>The optional body of <c>POST /api/messages/{messageId}/preview</c>: the triggering event's properties the templates may read.</summary>
public sealed record PreviewRequest
{
    /// <summary>The event's properties (<c>{{trigger.*}}</c> and <c>{{event.*}}</c> in templates).</summary>
    public Dictionary<string, JsonElement>? Event { get; init; }

    /// <summary>Fields the request does not know; each is reported.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }

    /// <summary>Every problem of the request.</summary>
    public IReadOnlyList<ApiError> Validate() =>
        (Unknown?.Keys ?? Enumerable.Empty<string>()).Select(name => new ApiError("$." + name, $"unknown field '{name}'; expected event")).ToList();
}
