using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScenarioEngine.Cli;

/// <summary>
/// `scenario load`: posts batches of events to a running host over HTTP at a set rate for a set time (it stops by itself), then
/// waits until the engine has applied them all and reconciles: events accepted = events applied, messages expected = messages
/// recorded. Each customer gets an identify (with e-mail consent) and a purchase of 6,800 yen, which enters the cross-sell sample.
/// </summary>
internal static class LoadDriver
{
    public static async Task<int> RunAsync(Options o, TextWriter output, TextWriter error)
    {
        var url = new Uri((o.One("url") ?? "http://127.0.0.1:7071").TrimEnd('/') + "/");
        var eventsKey = o.One("key") ?? throw new UsageException("load needs --key (an API key with the events scope)");
        var adminKey = o.One("admin-key") ?? eventsKey;
        var rate = int.Parse(o.One("rate") ?? "1000", CultureInfo.InvariantCulture);
        var seconds = double.Parse(o.One("duration") ?? "10", CultureInfo.InvariantCulture);
        var batch = int.Parse(o.One("batch") ?? "100", CultureInfo.InvariantCulture);
        var journey = o.One("journey") ?? "post-purchase-cross-sell";
        var drainTimeout = TimeSpan.FromSeconds(double.Parse(o.One("drain-timeout") ?? "600", CultureInfo.InvariantCulture));
        if (rate <= 0 || seconds <= 0 || batch is < 2 or > 1000 || batch % 2 != 0)
        {
            throw new UsageException("--rate and --duration must be positive; --batch an even number from 2 to 1000");
        }

        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        var before = await MetricsAsync(http, adminKey).ConfigureAwait(false);
        var statsBefore = await StatsAsync(http, adminKey, journey).ConfigureAwait(false);
        var run = Guid.NewGuid().ToString("N")[..8];
        var latencies = new List<double>();
        var accepted = 0L;
        var rejected = 0;
        var batches = (int)Math.Ceiling(rate * seconds / batch);
        var interval = TimeSpan.FromSeconds((double)batch / rate);
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        using var gate = new SemaphoreSlim(64);
        for (var b = 0; b < batches; b++)
        {
            // Open-loop pacing: batch b is due at b * interval whatever the previous ones took.
            var due = interval * b;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed).ConfigureAwait(false);
            }

            await gate.WaitAsync().ConfigureAwait(false);
            var body = Batch(run, b, batch);
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    var started = Stopwatch.GetTimestamp();
                    using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    request.Headers.Add("X-Api-Key", eventsKey);
                    using var response = await http.SendAsync(request).ConfigureAwait(false);
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    lock (latencies)
                    {
                        latencies.Add(ms);
                        if (response.StatusCode == System.Net.HttpStatusCode.Accepted)
                        {
                            accepted += batch;
                        }
                        else
                        {
                            rejected++;
                        }
                    }
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
        var postSeconds = clock.Elapsed.TotalSeconds;
        latencies.Sort();
        output.WriteLine($"posted {batches} batches of {batch} in {postSeconds:F2} s: {accepted} events accepted ({accepted / postSeconds:F0}/s), {rejected} batches rejected");
        output.WriteLine($"accept latency per batch: p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, max {latencies[^1]:F1} ms");

        // Drain: wait until every accepted event is applied and the events queues are empty.
        var drain = Stopwatch.StartNew();
        JsonNode metrics;
        while (true)
        {
            metrics = await MetricsAsync(http, adminKey).ConfigureAwait(false);
            var applied = Long(metrics, "eventsApplied") - Long(before, "eventsApplied");
            var backlog = metrics["queues"]!.AsObject().Where(kv => !kv.Key.EndsWith("-poison", StringComparison.Ordinal))
                .Sum(kv => kv.Value!.GetValue<int>()) + (int)Long(metrics, "dispatchHandoffs");
            if (applied >= accepted && backlog == 0)
            {
                break;
            }

            if (drain.Elapsed > drainTimeout)
            {
                await error.WriteLineAsync($"gave up draining after {drainTimeout}: applied {applied} of {accepted}, backlog {backlog}").ConfigureAwait(false);
                return 1;
            }

            await Task.Delay(250).ConfigureAwait(false);
        }

        var total = clock.Elapsed.TotalSeconds;
        var stats = await StatsAsync(http, adminKey, journey).ConfigureAwait(false);
        long Delta(string key) => Long(stats, key) - Long(statsBefore, key);
        var appliedTotal = Long(metrics, "eventsApplied") - Long(before, "eventsApplied");
        var expected = Delta("thanks.entered") - Delta("thanks.heldOut");
        var recorded = Delta("thanks.sent") + Delta("thanks.skipped") + Delta("thanks.failed") + Delta("thanks.unknown");
        output.WriteLine($"drained in {drain.Elapsed.TotalSeconds:F2} s; end to end {accepted / total:F0} events/s");
        output.WriteLine($"reconcile: events accepted {accepted}, applied {appliedTotal}; thank-you messages expected {expected}, recorded {recorded} (sent {Delta("thanks.sent")})");
        var ok = appliedTotal == accepted && expected == recorded && rejected == 0;
        output.WriteLine(ok ? "reconciled: exact" : "NOT reconciled");
        return ok ? 0 : 1;
    }

    private static string Batch(string run, int b, int size)
    {
        var sb = new StringBuilder("[");
        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < size / 2; i++)
        {
            var customer = $"load-{run}-{b}-{i}";
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(CultureInfo.InvariantCulture, $"{{\"id\":\"{customer}-i\",\"type\":\"identify\",\"customerId\":\"{customer}\",\"occurredAt\":\"{at:O}\",\"properties\":{{\"email\":\"{customer}@example.com\",\"consent.email\":true}}}},");
            sb.Append(CultureInfo.InvariantCulture, $"{{\"id\":\"{customer}-p\",\"type\":\"purchase\",\"customerId\":\"{customer}\",\"occurredAt\":\"{at.AddMilliseconds(1):O}\",\"properties\":{{\"amount\":6800,\"orderId\":\"o-{customer}\"}}}}");
        }

        return sb.Append(']').ToString();
    }

    private static async Task<JsonNode> MetricsAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/system/metrics");
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>().ConfigureAwait(false))!;
    }

    private static async Task<JsonNode> StatsAsync(HttpClient http, string key, string journey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/journeys/{journey}/stats");
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var node = (await response.Content.ReadFromJsonAsync<JsonNode>().ConfigureAwait(false))!;
        var flat = new JsonObject();
        foreach (var step in node["steps"]?.AsArray() ?? [])
        {
            foreach (var (metric, n) in step!["counts"]!.AsObject())
            {
                flat[$"{step["stepId"]}.{metric}"] = n!.GetValue<long>();
            }
        }

        return flat;
    }

    private static long Long(JsonNode node, string key) =>
        node[key] is JsonValue v && v.TryGetValue<long>(out var l) ? l : node["engine"]?[key] is JsonValue m && m.TryGetValue<long>(out var ml) ? ml : 0;

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
