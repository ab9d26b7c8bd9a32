using System.Diagnostics;
using System.Globalization;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Channels.Tests;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.AzureStorage;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Journeys.Tests;

/// <summary>The journey orchestrator on DurableTask.AzureStorage against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteJourneyTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private static int _hubs;

    [Fact]
    public async Task RaiseAsync_RightAfterEachStart_EveryInstanceTakesTheEventBranch()
    {
        const int Rounds = 3;
        const int PerRound = 150;
        var ports = new Ports();
        ports.Catalog.Publish(TestJourneys.Parse("""
            "w": { "type": "waitForEvent", "event": "purchase", "timeout": "PT5M", "onEvent": "got", "onTimeout": "late" },
            "got": { "type": "exit" },
            "late": { "type": "exit" }
            """, start: "w"));
        await using var backend = await DurableTaskJourneyBackend.StartOnAzureStorageAsync(Options(), DurableTaskSet.Journeys(), ports.Services(), NullLoggerFactory.Instance);
        var journey = ports.Catalog.Find("j1", 1)!;

        for (var round = 0; round < Rounds; round++)
        {
            var ids = new List<string>();
            await Parallel.ForEachAsync(Enumerable.Range(0, PerRound), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            {
                var customer = $"r{round}c{i}";
                var start = TestJourneys.Start(journey, customer);
                await backend.StartAsync(start);
                await backend.RaiseAsync(start.InstanceId, TestJourneys.Delivery(customer, "purchase", "p-" + customer));
                lock (ids)
                {
                    ids.Add(start.InstanceId);
                }
            });

            await UntilAsync(() => ids.All(id => ports.Recorder.For(id).Any(b => b.Effects.Any(e => e is Exited))), $"round {round}: every instance exited");
            var decisions = ids.Select(id => ports.Recorder.For(id).SelectMany(b => b.Effects).OfType<DecisionMade>().Single(d => d.StepId == "w").Outcome).ToList();
            Assert.Equal(PerRound, decisions.Count(d => d == "got"));
        }
    }

    [Fact]
    public async Task Wait_OnAzureStorage_OneTimerFiresAfterItsTimeAndTheWakeReadsTheProfileOnce()
    {
        // DurableTask.AzureStorage delivers a durable timer up to a second before its time (whole seconds of queue visibility): the
        // orchestrator sets it a second late, so no wake is early (none waits out the rest on a second timer), the profile is read
        // once per wake, and the second message goes after the wait, not before.
        const int N = 20;
        var ports = new Ports();
        // The branch after the wait reads the profile at the wake.
        var journey = TestJourneys.Parse("""
            "a": { "type": "send", "medium": "webhook", "message": "m1", "next": "w" },
            "w": { "type": "wait", "for": "PT2.5S", "next": "v" },
            "v": { "type": "branch", "cases": [ { "when": { "attr": "profile.vip", "eq": true }, "next": "x" } ], "otherwise": "b" },
            "b": { "type": "send", "medium": "webhook", "message": "m2", "next": "x" },
            "x": { "type": "exit" }
            """);
        ports.Catalog.Publish(journey);
        var logged = new ListLogger();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new ListLoggerProvider(logged)).SetMinimumLevel(LogLevel.Information));
        await using var backend = await DurableTaskJourneyBackend.StartOnAzureStorageAsync(Options(), DurableTaskSet.Journeys(), ports.Services(), loggers);

        var started = DateTimeOffset.UtcNow;
        for (var i = 0; i < N; i++)
        {
            await backend.StartAsync(TestJourneys.Start(journey, $"w{i}"));
        }

        await UntilAsync(() => ports.Channel.Sent.Count >= 2 * N, "every journey sent twice");
        Assert.DoesNotContain(logged.Entries, e => e.EventId == 6035);
        Assert.Equal(N, ports.Ledger.ProfileReads);
        Assert.All(ports.Channel.Sent.Where(s => s.Command.MessageId == "m2"), s => Assert.True(s.At - started >= TimeSpan.FromSeconds(2.5), $"m2 at {s.At - started}"));
    }

    [Fact]
    public async Task Journey_OnAzuriteWithEntraIdTokens_RunsOnTheServiceUris()
    {
        // Azurite's basic OAuth over https: the backend's blob, queue and table clients hold only the credential, no key.
        await using var server = await AzuriteOAuthServer.StartAsync();
        var ports = new Ports();
        var journey = TestJourneys.Parse("""
            "a": { "type": "send", "medium": "webhook", "message": "m1", "next": "x" },
            "x": { "type": "exit" }
            """);
        ports.Catalog.Publish(journey);
        var credential = new FixedTokenCredential(AzuriteOAuthServer.Token(DateTimeOffset.UtcNow));
        await using var backend = await DurableTaskJourneyBackend.StartOnAzureStorageAsync(
            EntraOptions(server, credential), DurableTaskSet.Journeys(), ports.Services(), NullLoggerFactory.Instance);

        await backend.StartAsync(TestJourneys.Start(journey, "entra1"));

        await UntilAsync(() => ports.Channel.Sent.Count >= 1, "the journey sent its message");
        Assert.NotEmpty(credential.Scopes());
    }

    [Fact]
    public async Task CreateIfNotExists_OnAzuriteWithATokenOfAnotherIssuer_IsRefused()
    {
        // The check above means something only if Azurite reads the token.
        await using var server = await AzuriteOAuthServer.StartAsync();
        var credential = new FixedTokenCredential(AzuriteOAuthServer.Token(DateTimeOffset.UtcNow, issuer: "https://issuer.example.net/"));

        // DurableTask.AzureStorage wraps the service's answer in its own (internal) exception type.
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => DurableTaskJourneyBackend.ConnectToAzureStorageAsync(EntraOptions(server, credential), NullLoggerFactory.Instance));

        var refused = Assert.IsType<RequestFailedException>(ex.InnerException);
        Assert.Equal((403, "AuthenticationFailed"), (refused.Status, refused.ErrorCode));
        Assert.Contains("Invalid token issuer", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopAsync_StorageGoneAtShutdown_GivesUpWhenTheTokenFires()
    {
        // Arrange: a worker running on Azurite whose storage then refuses every request, as when Azurite stops before the host.
        var gone = new StorageGonePolicy();
        var options = Options();
        options.ConfigureClientOptions = gone.AddTo;
        var backend = await DurableTaskJourneyBackend.StartOnAzureStorageAsync(options, DurableTaskSet.Journeys(), new Ports().Services(), NullLoggerFactory.Instance);
        await Task.Delay(TimeSpan.FromSeconds(2));
        gone.Refuse = true;

        // Act
        using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var stop = backend.StopAsync(shutdown.Token);
        var first = await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(60)));

        // Assert: the stop ends with the token, not with the worker (which goes on retrying its lease writes).
        Assert.Same(stop, first);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stop);
        Assert.True(gone.Refused > 0, "no request reached the refusing policy");
    }

    private static AzureStorageJourneyBackendOptions EntraOptions(AzuriteOAuthServer server, FixedTokenCredential credential) => new()
    {
        BlobServiceUri = server.BlobServiceUri,
        QueueServiceUri = server.QueueServiceUri,
        TableServiceUri = server.TableServiceUri,
        Credential = credential,
        TaskHubName = "entra" + Interlocked.Increment(ref _hubs).ToString(CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..8],
        ConfigureClientOptions = o => o.Transport = server.Transport(),
    };

    private AzureStorageJourneyBackendOptions Options() => new()
    {
        ConnectionString = azurite.ConnectionString,
        TaskHubName = "hub" + Interlocked.Increment(ref _hubs).ToString(CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..8],
    };

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Deadline, $"not within {Deadline}: {what}");
            await Task.Delay(100);
        }
    }

    private sealed class Ports
    {
        public FakeCatalog Catalog { get; } = new();

        public FakeLedger Ledger { get; } = new();

        public FakeRecorder Recorder => Ledger.Recorder;

        public FakeChannel Channel { get; } = new();

        public FakeSendGateState GateState { get; } = new();

        public IServiceProvider Services() => new ServiceCollection()
            .AddSingleton<IJourneyCatalog>(Catalog)
            .AddSingleton<IJourneyRecorder>(Recorder)
            .AddSingleton<ISendLedger>(Ledger)
            .AddSingleton<ICustomerProfiles>(Ledger)
            .AddSingleton<ISendConfirmations>(Ledger)
            .AddSingleton<ISendChannel>(Channel)
            .AddSingleton<ISendRates>(GateState)
            .AddSingleton<IChannelCircuits>(GateState)
            .AddSingleton(new SendingOptions())
            .AddSingleton<SendGate>()
            .AddSingleton(new SendPolicyOptions())
            .AddSingleton(new SendSettlementOptions())
            .AddSingleton<SendSettlement>()
            .AddSingleton(new JourneyOrchestrationOptions())
            .AddSingleton(TimeProvider.System)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .BuildServiceProvider();
    }
}
