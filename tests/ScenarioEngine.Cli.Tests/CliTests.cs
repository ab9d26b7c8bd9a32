using ScenarioEngine.Cli;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Cli.Tests;

public sealed class CliTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ScenarioEngine.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("repository root not found");
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void RuntimeConfig_ScenarioTool_RunsTheServerCollectorWithoutBackgroundCollections()
    {
        // The tool runs batches (simulate, analyse, import): concurrent collection off, and the server collector, which collects
        // with a thread per processor as the simulation's shards run one per processor.
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "scenario.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Concurrent").GetBoolean());
        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
    }

    [Fact]
    public async Task Validate_Samples_ExitZeroAndListsEveryJourney()
    {
        var (code, output, error) = await Run("validate", Path.Combine(Root, "samples", "journeys"));

        Assert.True(code == 0, error);
        Assert.Equal(Directory.GetFiles(Path.Combine(Root, "samples", "journeys"), "*.json").Length, output.Split('\n').Count(l => l.StartsWith("ok", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Validate_BadJourney_ExitOneWithEveryErrorAndItsPath()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            { "id": "bad", "name": "Bad", "trigger": { "event": "purchase" }, "start": "a",
              "steps": { "a": { "type": "send", "medium": "fax", "message": "thank-you", "next": "b" },
                         "b": { "type": "wait", "for": "3 days", "next": "c" } } }
            """);
        try
        {
            var (code, _, error) = await Run("validate", file, "--messages", Path.Combine(Root, "samples", "messages"));

            Assert.Equal(1, code);
            Assert.Contains("$.steps.a.medium: unknown medium 'fax'", error, StringComparison.Ordinal);
            Assert.Contains("$.steps.b.for: '3 days' is not a valid duration", error, StringComparison.Ordinal);
            Assert.Contains("$.steps.b.next: step 'c' does not exist", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Run_UnknownCommand_ExitTwoWithUsage()
    {
        var (code, _, error) = await Run("frobnicate");

        Assert.Equal(2, code);
        Assert.Contains("usage:", error, StringComparison.Ordinal);
    }

    public static TheoryData<string> SampleJourneys()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(FindRoot(), "samples", "journeys"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SampleJourneys))]
    public async Task Simulate_EverySampleWithItsEvents_EntersCustomersAndSendsMessages(string sample)
    {
        var (code, output, error) = await Run("simulate",
            "--journey", Path.Combine(Root, "samples", "journeys", sample + ".json"),
            "--events", Path.Combine(Root, "samples", "events", sample + ".jsonl"),
            "--tail", "P400D");

        Assert.True(code == 0, error);
        var entered = int.Parse(output.Split("entered ")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(entered > 0, output);
        Assert.Contains(".sent", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_CdnowSampleThroughCrossSell_SendsThankYouToEveryNonHoldoutEntrant()
    {
        var (code, output, error) = await Run("simulate",
            "--journey", Path.Combine(Root, "samples", "journeys", "post-purchase-cross-sell.json"),
            "--events", SharedData.Cdnow("CDNOW_sample.txt"),
            "--consent", "--rate", "150", "--quiet");

        Assert.True(code == 0, error);
        Assert.Contains("events 9276, customers 2357", output, StringComparison.Ordinal);
        int Count(string key) => int.Parse(output.Split('\n').Single(l => l.TrimStart().StartsWith(key + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Count("thanks.entered"), Count("thanks.sent") + Count("thanks.heldOut"));
    }

    [Theory]
    [MemberData(nameof(SampleJourneys))]
    public async Task Simulate_EverySampleInShards_PrintsWhatOneSimulatorPrints(string sample)
    {
        string[] args = ["simulate", "--journey", Path.Combine(Root, "samples", "journeys", sample + ".json"),
            "--events", Path.Combine(Root, "samples", "events", sample + ".jsonl"), "--tail", "P400D", "--limit", "1000"];

        var whole = await Run([.. args, "--shards", "1"]);
        var sharded = await Run([.. args, "--shards", "3"]);

        Assert.True(whole.Code == 0 && sharded.Code == 0, whole.Err + sharded.Err);
        Assert.Contains(".sent", whole.Out, StringComparison.Ordinal);
        Assert.Equal(WithoutTiming(whole.Out), WithoutTiming(sharded.Out));
    }

    [Fact]
    public async Task Simulate_CdnowSampleInTwoShards_PrintsEverySendAndCountOfOneSimulator()
    {
        string[] args = ["simulate", "--journey", Path.Combine(Root, "samples", "journeys", "post-purchase-cross-sell.json"),
            "--events", SharedData.Cdnow("CDNOW_sample.txt"), "--consent", "--rate", "150", "--limit", "100000"];

        var whole = await Run([.. args, "--shards", "1"]);
        var sharded = await Run([.. args, "--shards", "2"]);

        Assert.True(whole.Code == 0 && sharded.Code == 0, whole.Err + sharded.Err);
        Assert.Contains("events 9276, customers 2357", sharded.Out, StringComparison.Ordinal);
        Assert.Equal(WithoutTiming(whole.Out), WithoutTiming(sharded.Out));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    public async Task Simulate_BadShards_ExitTwoNamingTheOption(string shards)
    {
        var (code, _, error) = await Run("simulate", "--journey", Path.Combine(Root, "samples", "journeys", "welcome-series.json"),
            "--events", Path.Combine(Root, "samples", "events", "welcome-series.jsonl"), "--shards", shards);

        Assert.Equal(2, code);
        Assert.Contains($"--shards: expected a whole number from 1 to 64, got '{shards}'", error, StringComparison.Ordinal);
    }

    // The summary line ends with the run's elapsed time, the one thing two runs may print differently.
    private static string WithoutTiming(string output) =>
        System.Text.RegularExpressions.Regex.Replace(output, @"simulated in [0-9.]+ s", "simulated in (time) s");

    [Fact]
    public async Task Report_RfmOnCdnowMaster_EveryCustomerInOneSegment()
    {
        var (code, output, error) = await Run("report", "rfm", "--input", SharedData.Cdnow("CDNOW_master.txt"));

        Assert.True(code == 0, error);
        Assert.Contains("23570 customers, 69659 purchases", output, StringComparison.Ordinal);
        var total = output.Split('\n').Skip(1).Where(l => l.Contains('%', StringComparison.Ordinal))
            .Sum(l => int.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(23570, total);
    }
}
