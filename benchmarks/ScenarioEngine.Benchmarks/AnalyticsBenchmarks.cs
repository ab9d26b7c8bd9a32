using BenchmarkDotNet.Attributes;
using ScenarioEngine.Analytics;

namespace ScenarioEngine.Benchmarks;

/// <summary>Customer analytics over the real CDNOW data: RFM and deciles on the full master file, BG/NBD fitting on the 1/10 sample.</summary>
/// <remarks>
/// The data is read once in <see cref="Setup"/> from ../shared/data/cdnow/ beside the repository root, so the
/// benchmarks measure the analytics on purchases already in memory, not parsing. Not sealed: BenchmarkDotNet
/// generates a class deriving from it.
/// </remarks>
[MemoryDiagnoser]
public class AnalyticsBenchmarks
{
    private static readonly DateTimeOffset _asOf = new(1998, 7, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly _calibrationEnd = new(1997, 9, 30);

    private List<Purchase> _master = [];
    private IReadOnlyList<CustomerSummary> _sampleSummaries = [];

    /// <summary>Loads the master file (69,659 purchases) and summarises the sample's 39-week calibration period.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var directory = FindDataDirectory();
        _master = Read(Path.Combine(directory, "CDNOW_master.txt"));
        _sampleSummaries = CustomerSummaries.FromPurchases(Read(Path.Combine(directory, "CDNOW_sample.txt")), _calibrationEnd, TimeUnit.Weeks);
    }

    /// <summary>Aggregates 69,659 purchases into 23,570 customers, scores and segments them by RFM quintiles, and computes spend deciles.</summary>
    [Benchmark]
    public int RfmAndDecilesOnMaster()
    {
        var customers = PurchaseAggregates.ByCustomer(_master);
        var rfm = RfmAnalysis.Analyze(customers, _asOf);
        var deciles = DecileAnalysis.Compute(customers);
        return rfm.Count + deciles.Deciles.Count;
    }

    /// <summary>Fits the BG/NBD model by maximum likelihood to the 2,357 sample customers.</summary>
    [Benchmark]
    public double BgNbdFitOnSample() => BgNbdModel.Fit(_sampleSummaries).LogLikelihood;

    private static List<Purchase> Read(string path)
    {
        using var reader = File.OpenText(path);
        return CdnowReader.Read(reader).ToList();
    }

    private static string FindDataDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ScenarioEngine.sln")))
            {
                var data = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "cdnow"));
                if (Directory.Exists(data))
                {
                    return data;
                }

                throw new DirectoryNotFoundException($"CDNOW data not found at {data}.");
            }
        }

        throw new DirectoryNotFoundException($"ScenarioEngine.sln not found above {AppContext.BaseDirectory}; run the benchmarks from the repository.");
    }
}
