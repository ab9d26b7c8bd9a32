namespace ScenarioEngine.Testing;

/// <summary>
/// Finds the team's shared folder (<c>shared/data/cdnow</c> with the real CDNOW purchase history): the nearest <c>shared</c> folder
/// beside the repository root or beside one of its ancestors, so a clone at <c>work/main</c> and a worktree at <c>work/wt/x</c> both
/// read <c>work/shared</c>. The data is read in place, never copied.
/// </summary>
internal static class SharedData
{
    /// <summary>The CDNOW folder; tests that need it fail (never skip) when it is missing, naming where they looked.</summary>
    public static string CdnowDirectory { get; } = FindCdnow();

    /// <summary>The path of a CDNOW file.</summary>
    public static string Cdnow(string file) => Path.Combine(CdnowDirectory, file);

    private static string FindCdnow()
    {
        var root = RepositoryRoot();
        var first = Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "cdnow"));
        for (var dir = new DirectoryInfo(root).Parent; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "cdnow");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return first;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ScenarioEngine.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ScenarioEngine.sln above {AppContext.BaseDirectory}.");
    }
}
