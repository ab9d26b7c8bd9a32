namespace ScenarioEngine.Analytics.Tests;

/// <summary>Locates and loads the shared CDNOW files once per test run; they are read in place, never copied into the repository.</summary>
internal static class CdnowData
{
    private static readonly Lazy<IReadOnlyList<Purchase>> _master = new(() => Load("CDNOW_master.txt"));
    private static readonly Lazy<IReadOnlyList<Purchase>> _sample = new(() => Load("CDNOW_sample.txt"));

    /// <summary>The shared data folder: ../shared/data/cdnow next to the repository root (the folder holding ScenarioEngine.sln).</summary>
    public static string Directory { get; } = FindDirectory();

    /// <summary>Whether the data folder exists.</summary>
    public static bool IsAvailable => System.IO.Directory.Exists(Directory);

    /// <summary>All 69,659 purchases of CDNOW_master.txt.</summary>
    public static IReadOnlyList<Purchase> Master => _master.Value;

    /// <summary>All 6,919 purchases of the 1/10 sample, CDNOW_sample.txt.</summary>
    public static IReadOnlyList<Purchase> Sample => _sample.Value;

    private static IReadOnlyList<Purchase> Load(string file)
    {
        var path = Path.Combine(Directory, file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"CDNOW data file not found at {path}. The data lives in ../shared/data/cdnow/ beside the repository root.", path);
        }

        using var reader = File.OpenText(path);
        return CdnowReader.Read(reader).ToList();
    }

    private static string FindDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ScenarioEngine.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "cdnow"));
            }
        }

        return Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "shared", "data", "cdnow"));
    }
}

/// <summary>A fact that needs the shared CDNOW data: skipped with a clear message when the folder is absent, except in CI (CI set), where it must run.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CdnowFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the data folder is missing outside CI.</summary>
    public CdnowFactAttribute()
    {
        if (!CdnowData.IsAvailable && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"CDNOW data not found at {CdnowData.Directory}; these tests run wherever ../shared/data/cdnow/ exists (always in CI).";
        }
    }
}
