using System.Text.Json.Nodes;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Functions.Tests;

/// <summary>The functions.metadata the Worker.Sdk wrote into the Functions project's build output: what the Functions host binds.</summary>
internal static class FunctionsMetadata
{
    private static readonly Lazy<IReadOnlyDictionary<string, JsonObject>> Functions = new(Load);

    /// <summary>The repository root.</summary>
    public static string Root { get; } = AzuriteFixture.FindRepositoryRoot();

    /// <summary>The Functions project's build output for this test run's configuration (bin/&lt;Configuration&gt;/net10.0).</summary>
    public static string OutputFolder
    {
        get
        {
            // This assembly runs from tests/ScenarioEngine.Functions.Tests/bin/<Configuration>/<tfm>/.
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(Root, "src", "ScenarioEngine.Functions", "bin", tfm.Parent!.Name, tfm.Name);
        }
    }

    /// <summary>Every function by name.</summary>
    public static IReadOnlyDictionary<string, JsonObject> All => Functions.Value;

    /// <summary>A function's trigger binding.</summary>
    public static JsonObject Trigger(string function) =>
        All[function]["bindings"]!.AsArray().Select(b => b!.AsObject()).Single(b => b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal));

    /// <summary>The trigger type of a function (httpTrigger, queueTrigger, timerTrigger).</summary>
    public static string TriggerType(string function) => Trigger(function)["type"]!.GetValue<string>();

    private static IReadOnlyDictionary<string, JsonObject> Load()
    {
        var path = Path.Combine(OutputFolder, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build src/ScenarioEngine.Functions first (the Worker.Sdk writes it).");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray().Select(f => f!.AsObject())
            .ToDictionary(f => f["name"]!.GetValue<string>(), StringComparer.Ordinal);
    }
}
