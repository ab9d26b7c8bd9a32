using ScenarioEngine.Testing;

namespace ScenarioEngine.Analytics.Tests;

/// <summary>Locates and loads the shared CDNOW files once per test run; they are read in place, never copied into the repository.</summary>
internal static class CdnowData
{
    private static readonly Lazy<IReadOnlyList<Purchase>> _master = new(() => Load("CDNOW_master.txt"));
    private static readonly Lazy<IReadOnlyList<Purchase>> _sample = new(() => Load("CDNOW_sample.txt"));

    /// <summary>The shared data folder (<see cref="SharedData.CdnowDirectory"/>).</summary>
    public static string Directory => SharedData.CdnowDirectory;

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

}
