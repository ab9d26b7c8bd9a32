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
    public void RuntimeConfig_ScenarioTool_RunsWithoutBackgroundCollections()
    {
        // The tool runs batches (simulate, analyse, import): its runtime configuration turns concurrent collection off.
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "scenario.runtimeconfig.json")));

        Assert.False(config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty("System.GC.Concurrent").GetBoolean());
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
