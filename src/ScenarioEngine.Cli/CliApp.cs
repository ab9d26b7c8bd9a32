using System.Globalization;
using ScenarioEngine.Analytics;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Journeys.Storage.Simulation;

namespace ScenarioEngine.Cli;

/// <summary>The `scenario` command: validate, simulate, report.</summary>
public static class CliApp
{
    private const string Usage = """
        usage:
          scenario validate <journey.json|folder>... [--messages <folder>]
          scenario simulate --journey <file|folder> [--journey ...] --messages <folder> --events <file.jsonl|CDNOW .txt>
                            [--tail P30D] [--consent] [--rate 150] [--analytics-every P7D] [--quiet] [--limit 20]
                            [--shards <one per processor>]
          scenario report rfm|deciles|nps|clv --input <CDNOW .txt|purchases .jsonl|nps .jsonl> [--as-of 1998-07-01]
          scenario load --url http://127.0.0.1:7071 --key <events key> --admin-key <admin key> [--rate 1000] [--duration 10] [--batch 100]
        """;

    /// <summary>Runs the command; returns the process exit code (0 ok, 1 invalid input, 2 usage).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0)
        {
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        try
        {
            var options = Options.Parse(args.Skip(1).ToArray());
            return args[0] switch
            {
                "validate" => Validate(options, output, error),
                "simulate" => await SimulateAsync(options, output, error).ConfigureAwait(false),
                "report" => Report(options, output, error),
                "load" => await LoadDriver.RunAsync(options, output, error).ConfigureAwait(false),
                _ => UsageError(error, $"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException ex)
        {
            return UsageError(error, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or HttpRequestException)
        {
            await error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
    }

    private static int UsageError(TextWriter error, string message)
    {
        error.WriteLine("error: " + message);
        error.WriteLine(Usage);
        return 2;
    }

    // ------------------------------------------------------------------ validate

    private static int Validate(Options o, TextWriter output, TextWriter error)
    {
        var journeyFiles = o.Positional.Concat(o.All("journey")).SelectMany(Files).ToList();
        if (journeyFiles.Count == 0)
        {
            throw new UsageException("validate needs journey files or folders");
        }

        var messagesFolder = o.One("messages") ?? GuessMessages(journeyFiles[0]);
        var (messages, ok) = LoadMessages(messagesFolder, error);
        foreach (var file in journeyFiles)
        {
            var result = JourneyParser.Parse(File.ReadAllText(file), messages);
            if (result.IsValid)
            {
                output.WriteLine($"ok      {file} ({result.Value!.Steps.Count} steps)");
                continue;
            }

            ok = false;
            foreach (var e in result.Errors)
            {
                error.WriteLine($"{file}: {e.Path}: {e.Message}");
            }
        }

        return ok ? 0 : 1;
    }

    private static string? GuessMessages(string journeyFile)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(journeyFile))!;
        var sibling = Path.Combine(Path.GetDirectoryName(dir)!, "messages");
        return Directory.Exists(sibling) ? sibling : null;
    }

    private static (Dictionary<string, MessageDocument>? Messages, bool Ok) LoadMessages(string? folder, TextWriter error)
    {
        if (folder is null)
        {
            return (null, true);
        }

        var ok = true;
        var messages = new Dictionary<string, MessageDocument>(StringComparer.Ordinal);
        foreach (var file in Files(folder))
        {
            var result = MessageParser.Parse(File.ReadAllText(file));
            if (result.IsValid)
            {
                messages[result.Value!.Id] = result.Value;
            }
            else
            {
                ok = false;
                foreach (var e in result.Errors)
                {
                    error.WriteLine($"{file}: {e.Path}: {e.Message}");
                }
            }
        }

        return (messages, ok);
    }

    private static IEnumerable<string> Files(string path) =>
        Directory.Exists(path) ? Directory.GetFiles(path, "*.json").Order(StringComparer.Ordinal)
        : File.Exists(path) ? [path]
        : throw new FileNotFoundException($"no such file or folder: {path}");

    // ------------------------------------------------------------------ simulate

    private static async Task<int> SimulateAsync(Options o, TextWriter output, TextWriter error)
    {
        var journeyFiles = o.All("journey").SelectMany(Files).ToList();
        var eventsFile = o.One("events") ?? throw new UsageException("simulate needs --events");
        var shards = Shards(o.One("shards"));
        if (journeyFiles.Count == 0)
        {
            throw new UsageException("simulate needs --journey");
        }

        var (messages, ok) = LoadMessages(o.One("messages") ?? GuessMessages(journeyFiles[0]), error);
        var journeys = new List<Journey>();
        foreach (var file in journeyFiles)
        {
            var result = JourneyParser.Parse(File.ReadAllText(file), messages);
            if (!result.IsValid)
            {
                ok = false;
                foreach (var e in result.Errors)
                {
                    error.WriteLine($"{file}: {e.Path}: {e.Message}");
                }
            }
            else
            {
                journeys.Add(result.Value!);
            }
        }

        var rate = double.Parse(o.One("rate") ?? "1", CultureInfo.InvariantCulture);
        var (events, eventErrors) = ReadEvents(eventsFile, o.Has("consent"), rate);
        foreach (var e in eventErrors)
        {
            error.WriteLine($"{e.Path}: {e.Message}");
        }

        if (!ok || eventErrors.Count > 0)
        {
            return 1;
        }

        var tail = IsoDuration.Parse(o.One("tail") ?? "P30D").Approximate;
        var analyticsEvery = o.One("analytics-every") is { } every ? IsoDuration.Parse(every).Approximate : (TimeSpan?)null;
        var start = events.Count > 0 ? events.Min(e => e.OccurredAt) : (DateTimeOffset?)null;
        var messageList = messages?.Values.ToList() ?? [];
        var started = System.Diagnostics.Stopwatch.StartNew();
        var report = await ShardedSimulation.RunAsync(() => new Simulator(journeys, messageList, start: start) { AnalyticsEvery = analyticsEvery }, events, tail, shards)
            .ConfigureAwait(false);
        started.Stop();
        Print(report, o, output, started.Elapsed);
        return 0;
    }

    // One shard per processor unless told: a simulation whose customers do not interact runs them in parallel (ShardedSimulation).
    private static int Shards(string? value) =>
        value is null ? Environment.ProcessorCount
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 64 ? n
        : throw new UsageException($"--shards: expected a whole number from 1 to 64, got '{value}'");

    /// <summary>Reads an event file: JSON lines, or a CDNOW purchase file (amounts times <paramref name="rate"/>); with <paramref name="consent"/>, every customer consents to every medium.</summary>
    public static (List<CustomerEvent> Events, List<ValidationError> Errors) ReadEvents(string file, bool consent, double rate)
    {
        using var reader = new StreamReader(file);
        if (file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            var read = EventJson.ReadLines(reader, Path.GetFileName(file));
            return (consent ? WithConsent(read.Events) : read.Events, read.Errors);
        }

        // The CDNOW files: one purchase per line, customers known only by id (consent assumed with --consent).
        var purchases = CdnowReader.Read(reader);
        var events = purchases.Select((p, i) => new CustomerEvent(
            $"cdnow-{i + 1}", "purchase", p.CustomerId, p.At,
            new Dictionary<string, Value>(StringComparer.Ordinal)
            {
                ["amount"] = Value.From((double)p.Amount * rate),
                ["quantity"] = Value.From(p.Quantity),
            })).ToList();
        return (consent ? WithConsent(events) : events, []);
    }

    private static List<CustomerEvent> WithConsent(List<CustomerEvent> events)
    {
        var identify = events.GroupBy(e => e.CustomerId, StringComparer.Ordinal).Select(g => new CustomerEvent(
            "consent-" + g.Key, "identify", g.Key, g.Min(e => e.OccurredAt).AddSeconds(-1),
            Medium.All.ToDictionary(m => "consent." + m, _ => Value.From(true), StringComparer.Ordinal)));
        return identify.Concat(events).ToList();
    }

    private static void Print(SimulationReport report, Options o, TextWriter output, TimeSpan elapsed)
    {
        var limit = int.Parse(o.One("limit") ?? "20", CultureInfo.InvariantCulture);
        if (!o.Has("quiet"))
        {
            foreach (var customer in report.Sends.GroupBy(s => s.CustomerId, StringComparer.Ordinal).Take(limit))
            {
                output.WriteLine($"customer {customer.Key}");
                foreach (var s in customer)
                {
                    output.WriteLine($"  {s.At:yyyy-MM-dd HH:mm}Z  {s.JourneyId}/{s.StepId}  {s.Medium}  {s.MessageId}");
                }
            }

            var more = report.Sends.Select(s => s.CustomerId).Distinct(StringComparer.Ordinal).Count() - limit;
            if (more > 0)
            {
                output.WriteLine($"  ... and {more} more customers (--limit)");
            }
        }

        output.WriteLine();
        output.WriteLine($"events {report.Events}, customers {report.Customers}, messages sent {report.Sent}, skipped {report.Skipped}, deferred {report.Deferred}, simulated in {elapsed.TotalSeconds:F2} s");
        foreach (var (id, stats) in report.Stats)
        {
            output.WriteLine($"journey {id}: entered {stats.Entered}, active {stats.Active}, holdout {stats.Holdout}, converted {stats.Converted} (holdout {stats.HoldoutConverted})" +
                             (stats.Lift is { } lift ? $", lift {lift * 100:F1} points" : ""));
            foreach (var (key, n) in stats.Counts)
            {
                output.WriteLine($"  {key,-40} {n,8}");
            }

            foreach (var (variant, n) in stats.Variants)
            {
                output.WriteLine($"  variant {variant,-32} {n,8}");
            }
        }
    }

    // ------------------------------------------------------------------ report

    private static int Report(Options o, TextWriter output, TextWriter error)
    {
        var kind = o.Positional.FirstOrDefault() ?? throw new UsageException("report needs rfm, deciles, nps or clv");
        var input = o.One("input") ?? throw new UsageException("report needs --input");
        return kind switch
        {
            "rfm" => Reports.Rfm(input, o.One("as-of"), output),
            "deciles" => Reports.Deciles(input, output),
            "nps" => Reports.Nps(input, output, error),
            "clv" => Reports.Clv(input, o.One("as-of"), output),
            _ => throw new UsageException($"unknown report '{kind}': expected rfm, deciles, nps or clv"),
        };
    }
}

/// <summary>A command-line usage mistake.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Parsed options: --name value pairs, flags and positional arguments.</summary>
internal sealed class Options
{
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "consent", "quiet" };
    private readonly List<(string Name, string? Value)> _named = [];

    public List<string> Positional { get; } = [];

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                o.Positional.Add(args[i]);
                continue;
            }

            var name = args[i][2..];
            if (Flags.Contains(name))
            {
                o._named.Add((name, null));
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new UsageException($"--{name} needs a value");
            }

            o._named.Add((name, args[++i]));
        }

        return o;
    }

    public bool Has(string name) => _named.Any(n => n.Name == name);

    public string? One(string name) => _named.LastOrDefault(n => n.Name == name).Value;

    public IEnumerable<string> All(string name) => _named.Where(n => n.Name == name && n.Value is not null).Select(n => n.Value!);
}
