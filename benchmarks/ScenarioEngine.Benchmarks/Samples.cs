using ScenarioEngine.Core.Language;

namespace ScenarioEngine.Benchmarks;

/// <summary>Finds the repository and its samples (the shared CDNOW data: <c>SharedData</c>, linked from tests/Shared).</summary>
internal static class Samples
{
    public static string Root { get; } = FindRoot();

    public static Dictionary<string, MessageDocument> Messages() =>
        Directory.GetFiles(Path.Combine(Root, "samples", "messages"), "*.json")
            .Select(f => MessageParser.Parse(File.ReadAllText(f)).Value!)
            .ToDictionary(m => m.Id, StringComparer.Ordinal);

    public static Journey Journey(string id, Dictionary<string, MessageDocument> messages)
    {
        var result = JourneyParser.Parse(File.ReadAllText(Path.Combine(Root, "samples", "journeys", id + ".json")), messages);
        return result.Value ?? throw new InvalidOperationException(string.Join("; ", result.Errors));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ScenarioEngine.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("run the benchmarks from inside the repository");
    }
}
