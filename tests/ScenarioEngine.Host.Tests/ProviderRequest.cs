using System.Text.Json.Nodes;

namespace ScenarioEngine.Host.Tests;

/// <summary>A request a fake provider received.</summary>
public sealed record ProviderRequest(string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body)!;
}
