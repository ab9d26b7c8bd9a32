using System.Diagnostics;
using System.Globalization;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Storage.Simulation;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Simulation;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Benchmarks;

/// <summary>
/// Times the publish preview (<see cref="PublishForecaster"/>) over an in-memory customers table: an event-triggered journey for which
/// some customers sent the event in the last 24 hours, and a broadcast that reaches everyone (the largest simulation a preview runs).
/// </summary>
internal static class PreviewCost
{
    private static readonly DateTimeOffset AsOf = new(2026, 12, 2, 1, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var customers = int.Parse(args.ElementAtOrDefault(1) ?? "100000", CultureInfo.InvariantCulture);
        var active = int.Parse(args.ElementAtOrDefault(2) ?? "10000", CultureInfo.InvariantCulture);
        output.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {Environment.OSVersion}, .NET {Environment.Version}");
        var options = new EngineOptions();
        var store = new InMemoryRowStore();
        await store.CreateTableAsync(options.CustomersTable).ConfigureAwait(false);
        for (var i = 0; i < customers; i++)
        {
            var id = "c" + i.ToString("D7", CultureInfo.InvariantCulture);
            var doc = new ProfileDoc { TimeZone = "Asia/Tokyo" };
            doc.Attributes["email"] = Value.From(id + "@example.com");
            doc.Consent["email"] = true;
            if (i < active)
            {
                doc.Recent.Add(new RecentEvent("cart-" + id, "cart.updated", AsOf.AddMinutes(-30 - i % 1380), CustomerEvent.NoProperties));
            }

            await store.CommitAsync(options.CustomersTable, [new RowWrite(WriteKind.Insert, new StoredRow(id, Codec.ProfileKey, Codec.Write(doc)))]).ConfigureAwait(false);
        }

        var message = MessageParser.Parse("""{ "id": "note", "email": { "subject": "s", "text": "t" } }""").Value!;
        var catalog = new Catalog();
        catalog.Load([], [], [message]);
        var at = AsOf.AddHours(6).UtcDateTime.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
        foreach (var (name, trigger) in new[] { ("cart reminder (event)", """{ "event": "cart.updated" }"""), ("broadcast (schedule)", $$"""{ "schedule": { "at": "{{at}}", "localTime": false, "timeZone": "UTC" } }""") })
        {
            var journey = JourneyParser.Parse($$"""
                { "id": "j", "name": "j", "trigger": {{trigger}}, "start": "wait",
                  "steps": { "wait": { "type": "wait", "for": "PT1H", "next": "send" }, "send": { "type": "send", "medium": "email", "message": "note", "next": "done" }, "done": { "type": "exit" } } }
                """, catalog.Messages).Value!;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            var forecast = await new PublishForecaster(store, options).ForecastAsync(journey, catalog, AsOf).ConfigureAwait(false);
            watch.Stop();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {customers} profiles scanned, {forecast.Basis.Candidates} simulated, {forecast.Customers} messaged: {watch.Elapsed.TotalSeconds:F2} s, " +
                $"{(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1_048_576.0:F0} MiB allocated, working set {Environment.WorkingSet / 1_048_576.0:F0} MiB"));
        }
    }
}
