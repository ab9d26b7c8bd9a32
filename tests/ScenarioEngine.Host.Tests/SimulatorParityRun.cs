using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ScenarioEngine.Api;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Storage.Simulation;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>One send as the comparison sees it: who got which message by which medium.</summary>
public sealed record ParitySend(string CustomerId, string MessageId, string Medium)
{
    /// <inheritdoc />
    public override string ToString() => $"{CustomerId} {MessageId} by {Medium}";
}

/// <summary>
/// Runs one scaled sample through the simulator (virtual time) and through the standalone host (real time, its Durable Task backend,
/// the engine's ingest, the Table-backed ports) and returns both runs' sends, each customer's in the order they were sent.
/// </summary>
public static class SimulatorParityRun
{
    /// <summary>How long the real run may lag behind the scaled schedule before it counts as stuck.</summary>
    private static readonly TimeSpan Lag = TimeSpan.FromSeconds(20);

    /// <summary>How long the real run is watched for extra sends once it has sent as many as the simulator.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    /// <summary>Runs both and returns (simulated, real) sends.</summary>
    public static async Task<(IReadOnlyList<ParitySend> Simulated, IReadOnlyList<ParitySend> Real)> RunAsync(ScaledSample sample, string storage, ITestOutputHelper output)
    {
        var sent = new ConcurrentQueue<ParitySend>();
        var settings = TestHost.Settings(storage);
        await using var host = await TestHost.StartAsync(output, settings, configureBuilder: b => b.Services.AddSingleton(new ChannelSet(
            Medium.All.Select(m => (IChannel)new RecordingChannel(m, s => sent.Enqueue(new ParitySend(s.CustomerId, s.MessageId, s.Medium)))).ToList())));
        await host.PublishAsync(sample.Journey, [.. sample.Messages]);

        // A moment's lead, so the first events are not late before the loop starts.
        var start = DateTimeOffset.UtcNow.AddSeconds(1);
        var simulated = await SimulateAsync(sample, start);

        var clock = Stopwatch.StartNew();
        foreach (var e in sample.Events)
        {
            // The simulator's sends before this event came first there; wait for them here too, then for the event's time.
            var before = simulated.Count(s => s.Send.CustomerId == e.CustomerId && s.At < start + e.Offset);
            if (!await UntilAsync(() => sent.Count(s => s.CustomerId == e.CustomerId) >= before, e.Offset + Lag - clock.Elapsed))
            {
                output.WriteLine($"{sample.Name}: event {e.Id} posted without the {before} send(s) to {e.CustomerId} the simulator made before it");
            }

            var due = start + e.Offset - DateTimeOffset.UtcNow;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            await host.PostEventsAsync(e.At(start));
        }

        var end = sample.Span + sample.Horizon + Lag;
        if (await UntilAsync(() => sent.Count >= simulated.Count, end - clock.Elapsed))
        {
            await Task.Delay(Quiet);
        }

        output.WriteLine($"{sample.Name} on {(storage == "memory" ? "memory" : "Azurite")}: {simulated.Count} simulated, {sent.Count} sent in {clock.Elapsed.TotalSeconds:0.0} s");
        return (simulated.Select(s => s.Send).ToList(), [.. sent]);
    }

    /// <summary>Waits until <paramref name="condition"/> holds (true) or <paramref name="timeout"/> passes (false); the comparison reports what is missing.</summary>
    private static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    private static async Task<List<(DateTimeOffset At, ParitySend Send)>> SimulateAsync(ScaledSample sample, DateTimeOffset start)
    {
        var messages = sample.Messages.Select(m => MessageParser.Parse(m).Value!).ToList();
        var journey = JourneyParser.Parse(sample.Journey, messages.ToDictionary(m => m.Id, StringComparer.Ordinal));
        Assert.True(journey.IsValid, string.Join("; ", journey.Errors.Select(e => $"{e.Path}: {e.Message}")));
        using var lines = new StringReader(string.Join('\n', sample.Events.Select(e => e.At(start))));
        var (events, errors) = EventJson.ReadLines(lines, sample.Name);
        Assert.Empty(errors);
        var simulator = new Simulator([journey.Value!], messages, start: start);
        var report = await simulator.RunAsync(events, sample.Horizon + TimeSpan.FromSeconds(1));
        return report.Sends.Select(s => (s.At, new ParitySend(s.CustomerId, s.MessageId, s.Medium))).ToList();
    }
}
