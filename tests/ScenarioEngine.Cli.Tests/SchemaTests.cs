using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScenarioEngine.Core.Language;

namespace ScenarioEngine.Cli.Tests;

/// <summary>
/// Keeps the shipped JSON Schemas (schemas/*.schema.json), the samples (samples/) and the C# parsers in step:
/// ajv validates every sample and rejects every known-bad document, the parsers accept every sample, and every
/// known-bad document is rejected by both, for the reason it was written for.
/// </summary>
public sealed partial class SchemaTests(SchemaTests.AjvRun ajv) : IClassFixture<SchemaTests.AjvRun>
{
    /// <summary>The known-bad documents in bad/ and the JSON path the C# parser must report for each.</summary>
    private static readonly Dictionary<string, string> BadDocuments = new(StringComparer.Ordinal)
    {
        ["journey.unknown-step-type.json"] = "$.steps.mail.type",
        ["journey.missing-next.json"] = "$.steps.thanks.next",
        ["journey.bad-duration.json"] = "$.steps.wait3d.for",
        ["journey.unknown-operator.json"] = "$.audience.between",
        ["journey.zero-weight.json"] = "$.steps.split.variants[1].weight",
        ["journey.unknown-top-level-property.json"] = "$.owner",
        ["journey.unknown-medium.json"] = "$.steps.mail.medium",
        ["journey.bad-time-of-day.json"] = "$.steps.wait3d.atLocalTime",
        ["journey.unknown-path-root.json"] = "$.audience.attr",
        ["journey.bad-step-id.json"] = "$.steps['done!']",
        ["journey.wait-for-and-until.json"] = "$.steps.wait3d",
        ["journey.zero-timeout.json"] = "$.steps.wait3d.timeout",
        ["journey.single-variant.json"] = "$.steps.split.variants",
        ["journey.empty-update.json"] = "$.steps.wait3d",
        ["journey.two-trigger-kinds.json"] = "$.trigger.segment",
        ["journey.in-needs-array.json"] = "$.audience.in",
        ["journey.bad-reentry-mode.json"] = "$.reentry.mode",
        ["journey.holdout-over-100.json"] = "$.holdoutPercent",
        ["journey.negative-cooldown.json"] = "$.reentry.cooldown",
        ["journey.schedule-with-offset.json"] = "$.trigger.schedule.at",
        ["journey.fractional-offset-days.json"] = "$.trigger.date.offsetDays",
        ["journey.older-than-zero.json"] = "$.audience.olderThan",
        ["journey.two-operators.json"] = "$.audience",
        ["journey.goal-without-within.json"] = "$.goal.within",
        ["message.no-content.json"] = "$",
        ["message.email-without-body.json"] = "$.email",
        ["message.unknown-medium.json"] = "$.sms",
        ["message.postcard-field-not-string.json"] = "$.postcard.fields.copies",
        ["message.bad-id.json"] = "$.id",
        ["message.webhook-without-payload.json"] = "$.webhook.payload",
        ["segment.unknown-operator.json"] = "$.when.between",
    };

    /// <summary>
    /// Known-bad integration events (the engine writes these and never parses them, so only ajv judges them) and the JSON pointer
    /// ajv must name.
    /// </summary>
    private static readonly Dictionary<string, string> BadIntegrationEvents = new(StringComparer.Ordinal)
    {
        ["integration-event.unknown-type.json"] = "/type",
        ["integration-event.sent-without-medium.json"] = "/medium",
    };

    private static readonly string[] PlaceholderRoots =
        ["profile", "event", "trigger", "consent", "tags", "suppressed", "rfm", "orders", "clv", "nps", "lead", "segments"];

    public static TheoryData<string, string> BadIntegrationEventCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, pointer) in BadIntegrationEvents.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            data.Add(file, pointer);
        }

        return data;
    }

    public static TheoryData<string, string> BadDocumentCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, path) in BadDocuments.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            data.Add(file, path);
        }

        return data;
    }

    [Fact]
    public void Ajv_accepts_every_sample_and_rejects_every_bad_document()
    {
        var result = ajv.Result;
        Assert.True(result.ExitCode == 0, $"node tools/validate-schemas.mjs exited with {result.ExitCode}.\nstderr:\n{result.Stderr}\nstdout:\n{Truncate(result.Stdout)}");

        var root = result.Json.RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal(0, root.GetProperty("unexpected").GetInt32());

        // Every file (and every line of every event stream) was checked, and nothing else.
        var checkedItems = root.GetProperty("results").EnumerateArray()
            .Select(r => r.TryGetProperty("line", out var line) ? $"{r.GetProperty("file").GetString()}:{line.GetInt32()}" : r.GetProperty("file").GetString()!)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(ExpectedAjvItems().Order(StringComparer.Ordinal), checkedItems);
        Assert.Equal(checkedItems.Count, root.GetProperty("checked").GetInt32());
    }

    [Fact]
    public void Samples_are_all_there()
    {
        Assert.True(Files("samples/journeys", "*.json").Count >= 6, "expected at least six sample journeys");
        Assert.True(Files("samples/messages", "*.json").Count >= 6, "expected sample messages");
        Assert.True(Files("samples/segments", "*.json").Count >= 2, "expected sample segments");

        // One event stream per journey, named after it.
        foreach (var journey in Files("samples/journeys", "*.json"))
        {
            var stream = Path.Combine(RepoRoot, "samples", "events", Path.GetFileNameWithoutExtension(journey) + ".jsonl");
            Assert.True(File.Exists(stream), $"samples/events/{Path.GetFileName(stream)} is missing for {Rel(journey)}");
        }
    }

    [Fact]
    public void Sample_messages_parse_and_are_named_by_their_id()
    {
        var problems = new List<string>();
        foreach (var file in Files("samples/messages", "*.json"))
        {
            var result = MessageParser.Parse(File.ReadAllText(file, Encoding.UTF8));
            problems.AddRange(result.Errors.Select(e => $"{Rel(file)}: {e}"));
            if (result.Value is { } message && message.Id != Path.GetFileNameWithoutExtension(file))
            {
                problems.Add($"{Rel(file)}: the id is '{message.Id}' but the file name says '{Path.GetFileNameWithoutExtension(file)}'");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Sample_message_placeholders_use_known_roots()
    {
        var problems = new List<string>();
        foreach (var (id, message) in SampleMessages())
        {
            foreach (var (path, template) in message.Templates())
            {
                foreach (Match m in Placeholder().Matches(template))
                {
                    var name = m.Groups[1].Value;
                    var rootName = name.Split('.')[0];
                    if (!PlaceholderRoots.Contains(rootName) || !name.Contains('.', StringComparison.Ordinal))
                    {
                        problems.Add($"{id} {path}: {{{{{name}}}}} does not start with one of {string.Join(", ", PlaceholderRoots)}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Sample_journeys_parse_with_the_sample_messages()
    {
        var messages = SampleMessages();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var file in Files("samples/journeys", "*.json"))
        {
            var result = JourneyParser.Parse(File.ReadAllText(file, Encoding.UTF8), messages);
            problems.AddRange(result.Errors.Select(e => $"{Rel(file)}: {e}"));
            if (result.Value is { } journey)
            {
                if (journey.Id != Path.GetFileNameWithoutExtension(file))
                {
                    problems.Add($"{Rel(file)}: the id is '{journey.Id}' but the file name says '{Path.GetFileNameWithoutExtension(file)}'");
                }

                used.UnionWith(journey.Steps.Values.OfType<SendStep>().Select(s => s.Message));
            }
        }

        problems.AddRange(messages.Keys.Where(id => !used.Contains(id)).Select(id => $"samples/messages/{id}.json is not used by any sample journey"));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Sample_segments_parse_and_are_named_by_their_id()
    {
        var problems = new List<string>();
        foreach (var file in Files("samples/segments", "*.json"))
        {
            var result = SegmentParser.Parse(File.ReadAllText(file, Encoding.UTF8), ScenarioEngine.Runtime.Engine.Catalog.ReservedSegmentIds);
            problems.AddRange(result.Errors.Select(e => $"{Rel(file)}: {e}"));
            if (result.Value is { } segment && segment.Id != Path.GetFileNameWithoutExtension(file))
            {
                problems.Add($"{Rel(file)}: the id is '{segment.Id}' but the file name says '{Path.GetFileNameWithoutExtension(file)}'");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_bad_document_has_an_expectation()
    {
        var onDisk = Files("tests/ScenarioEngine.Cli.Tests/bad", "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(BadDocuments.Keys.Concat(BadIntegrationEvents.Keys).Order(StringComparer.Ordinal), onDisk);
        Assert.True(onDisk.Count >= 8);
    }

    [Theory]
    [MemberData(nameof(BadDocumentCases))]
    public void Bad_document_is_rejected_by_ajv_and_by_the_parser(string file, string expectedPath)
    {
        var full = Path.Combine(RepoRoot, "tests", "ScenarioEngine.Cli.Tests", "bad", file);
        var json = File.ReadAllText(full, Encoding.UTF8);

        // The C# parser rejects it, and for the intended reason.
        var errors = file.StartsWith("message.", StringComparison.Ordinal)
            ? MessageParser.Parse(json).Errors
            : file.StartsWith("segment.", StringComparison.Ordinal)
                ? SegmentParser.Parse(json, ScenarioEngine.Runtime.Engine.Catalog.ReservedSegmentIds).Errors
                : JourneyParser.Parse(json, SampleMessages()).Errors;
        Assert.NotEmpty(errors);
        Assert.True(errors.Any(e => e.Path == expectedPath), $"expected an error at {expectedPath}; the parser said:\n{string.Join('\n', errors)}");

        // ajv rejects it too, with an error at (or naming) the same place.
        Assert.True(ajv.Result.ExitCode == 0, $"the ajv run failed:\n{ajv.Result.Stderr}");
        var relative = $"tests/ScenarioEngine.Cli.Tests/bad/{file}";
        var result = ajv.Result.Json.RootElement.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("file").GetString() == relative);
        Assert.False(result.GetProperty("valid").GetBoolean(), $"ajv accepted {relative}");
        var pointer = ToJsonPointer(expectedPath);
        var ajvPointers = result.GetProperty("errors").EnumerateArray().SelectMany(AjvPointers).Distinct().ToList();
        Assert.True(
            ajvPointers.Any(p => p == pointer || (p.Length > 0 && pointer.StartsWith(p + "/", StringComparison.Ordinal))),
            $"expected an ajv error at {pointer} (or inside it); ajv reported: {string.Join(", ", ajvPointers.Select(p => p.Length == 0 ? "(root)" : p))}");
    }

    [Theory]
    [MemberData(nameof(BadIntegrationEventCases))]
    public void Bad_integration_event_is_rejected_by_ajv(string file, string pointer)
    {
        Assert.True(ajv.Result.ExitCode == 0, $"the ajv run failed:\n{ajv.Result.Stderr}");
        var relative = $"tests/ScenarioEngine.Cli.Tests/bad/{file}";
        var result = ajv.Result.Json.RootElement.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("file").GetString() == relative);
        Assert.False(result.GetProperty("valid").GetBoolean(), $"ajv accepted {relative}");
        var ajvPointers = result.GetProperty("errors").EnumerateArray().SelectMany(AjvPointers).Distinct().ToList();
        Assert.Contains(pointer, ajvPointers);
    }

    [Fact]
    public void Integration_event_samples_cover_every_type()
    {
        var names = Files("samples/integration-events", "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(ScenarioEngine.Runtime.Integration.IntegrationEventTypes.All.Order(StringComparer.Ordinal), names);
    }

    /// <summary>The places an ajv error names: its instance path, and that path plus the property it is about.</summary>
    private static IEnumerable<string> AjvPointers(JsonElement error)
    {
        var at = error.GetProperty("instancePath").GetString() ?? "";
        yield return at;
        if (error.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            foreach (var name in new[] { "additionalProperty", "missingProperty", "propertyName" })
            {
                if (p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String)
                {
                    yield return at + "/" + v.GetString()!.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
                }
            }
        }
    }

    /// <summary>Converts a parser path such as $.steps['a.b'].cases[0].next into a JSON pointer /steps/a.b/cases/0/next.</summary>
    private static string ToJsonPointer(string path)
    {
        var sb = new StringBuilder();
        foreach (Match m in PathSegment().Matches(path[1..]))
        {
            var segment = m.Groups["name"].Success ? m.Groups["name"].Value : m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Groups["index"].Value;
            sb.Append('/').Append(segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        }

        return sb.ToString();
    }

    private static IEnumerable<string> ExpectedAjvItems()
    {
        foreach (var f in Files("samples/journeys", "*.json").Concat(Files("samples/messages", "*.json")).Concat(Files("samples/segments", "*.json"))
            .Concat(Files("samples/integration-events", "*.json")))
        {
            yield return Rel(f);
        }

        foreach (var f in Files("samples/events", "*.jsonl"))
        {
            var lines = File.ReadAllLines(f, Encoding.UTF8);
            for (var i = 0; i < lines.Length; i++)
            {
                if (!string.IsNullOrWhiteSpace(lines[i]))
                {
                    yield return $"{Rel(f)}:{i + 1}";
                }
            }
        }

        foreach (var f in Files("tests/ScenarioEngine.Cli.Tests/bad", "*.json"))
        {
            yield return Rel(f);
        }
    }

    private static Dictionary<string, MessageDocument> SampleMessages()
    {
        var messages = new Dictionary<string, MessageDocument>(StringComparer.Ordinal);
        foreach (var file in Files("samples/messages", "*.json"))
        {
            if (MessageParser.Parse(File.ReadAllText(file, Encoding.UTF8)).Value is { } message)
            {
                messages[message.Id] = message;
            }
        }

        return messages;
    }

    private static List<string> Files(string dir, string pattern)
    {
        var full = Path.Combine(RepoRoot, dir);
        return Directory.Exists(full) ? Directory.GetFiles(full, pattern).Order(StringComparer.Ordinal).ToList() : [];
    }

    private static string Rel(string file) => Path.GetRelativePath(RepoRoot, file).Replace('\\', '/');

    private static string Truncate(string s) => s.Length > 4000 ? s[..4000] + "..." : s;

    internal static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ScenarioEngine.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ScenarioEngine.sln not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"\{\{\{?\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}?\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>[^']*)'\]|\[(?<index>[0-9]+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex PathSegment();

    /// <summary>Runs tools/validate-schemas.mjs once for the class (installing the pinned npm tools first when missing).</summary>
    public sealed class AjvRun : IDisposable
    {
        private readonly Lazy<AjvResult> _result = new(Run);

        public AjvResult Result => _result.Value;

        public void Dispose()
        {
            if (_result.IsValueCreated)
            {
                _result.Value.Json.Dispose();
            }
        }

        private static AjvResult Run()
        {
            if (!Directory.Exists(Path.Combine(RepoRoot, "node_modules", "ajv")) || !Directory.Exists(Path.Combine(RepoRoot, "node_modules", "ajv-formats")))
            {
                var install = Exec("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
                if (install.ExitCode != 0)
                {
                    throw new InvalidOperationException($"npm ci failed ({install.ExitCode}):\n{install.Stderr}\n{install.Stdout}");
                }
            }

            var (exitCode, stdout, stderr) = Exec("node", ["tools/validate-schemas.mjs"], TimeSpan.FromMinutes(2));
            JsonDocument json;
            try
            {
                json = JsonDocument.Parse(stdout);
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException($"tools/validate-schemas.mjs did not print JSON ({ex.Message}); exit code {exitCode}\nstderr:\n{stderr}\nstdout:\n{Truncate(stdout)}", ex);
            }

            return new AjvResult(exitCode, stdout, stderr, json);
        }

        private static (int ExitCode, string Stdout, string Stderr) Exec(string fileName, string[] args, TimeSpan timeout)
        {
            var info = new ProcessStartInfo(fileName)
            {
                WorkingDirectory = RepoRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            Process process;
            try
            {
                process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException($"'{fileName}' was not found on PATH: install Node.js 18 or later to run the schema tests", ex);
            }

            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(timeout))
                {
                    process.Kill(entireProcessTree: true);
                    throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {timeout}");
                }

                process.WaitForExit();
                return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
            }
        }
    }

    /// <summary>The outcome of one run of the validation script.</summary>
    public sealed record AjvResult(int ExitCode, string Stdout, string Stderr, JsonDocument Json);
}
