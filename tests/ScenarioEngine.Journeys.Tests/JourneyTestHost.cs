using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Hosting;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;
using ScenarioEngine.Journeys.Storage;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Journeys.Tests;

/// <summary>The journey tasks on the in-memory Durable Task test host, over in-memory fakes of the ports.</summary>
internal sealed class JourneyTestHost : IAsyncDisposable
{
    private static readonly TimeSpan CompletionTimeout = TimeSpan.FromSeconds(30);
    private DurableTaskTestHost _host = null!;

    public FakeCatalog Catalog { get; } = new();

    public FakeLedger Ledger { get; } = new();

    /// <summary>Every record batch: those of the record activity and those sends carry (the ledger's).</summary>
    public FakeRecorder Recorder => Ledger.Recorder;

    public FakeChannel Channel { get; } = new();

    /// <summary>The send gate's rows (rate cursors, circuits) when the host runs on the fakes.</summary>
    public FakeSendGateState GateState { get; } = new();

    public DurableTaskClient Client => _host.Client;

    /// <summary>Starts, raises and terminates through the product's <see cref="IJourneyInstances"/> over the host's client.</summary>
    public IJourneyInstances Instances { get; private set; } = null!;

    /// <summary>The host over the fakes, or with <paramref name="tables"/> over the Table-backed ledger, profiles and recorder on that store.</summary>
    public static async Task<JourneyTestHost> StartAsync(SendPolicyOptions? policy = null, JourneyOrchestrationOptions? options = null, IRowStore? tables = null,
        SendSettlementOptions? settlement = null, JourneyInstancesOptions? instances = null, SendingOptions? sending = null)
    {
        var harness = new JourneyTestHost();
        var tableOptions = new JourneyTableOptions();
        if (tables is not null)
        {
            await tables.CreateTableAsync(tableOptions.CustomersTable);
            await tables.CreateTableAsync(tableOptions.SendingTable);
        }

        var orchestration = options ?? new JourneyOrchestrationOptions { ActivityRetryInterval = TimeSpan.FromMilliseconds(200) };
        var hostOptions = new DurableTaskTestHostOptions
        {
            LoggerFactory = NullLoggerFactory.Instance,
            ConfigureServices = services =>
            {
                services.AddSingleton<IJourneyCatalog>(harness.Catalog);
                if (tables is null)
                {
                    services.AddSingleton<IJourneyRecorder>(harness.Recorder);
                    services.AddSingleton<ISendLedger>(harness.Ledger);
                    services.AddSingleton<ICustomerProfiles>(harness.Ledger);
                    services.AddSingleton<ISendRates>(harness.GateState);
                    services.AddSingleton<IChannelCircuits>(harness.GateState);
                    services.AddSingleton<ISendConfirmations>(harness.Ledger);
                }
                else
                {
                    var ledger = new TableSendLedger(tables, tableOptions, TimeProvider.System, NullLogger<TableSendLedger>.Instance);
                    services.AddSingleton<IJourneyRecorder>(new TableJourneyRecorder(tables, tableOptions, NullLogger<TableJourneyRecorder>.Instance));
                    services.AddSingleton<ISendLedger>(ledger);
                    services.AddSingleton<ICustomerProfiles>(ledger);
                    var gateState = new TableSendGateState(tables, tableOptions);
                    services.AddSingleton<ISendRates>(gateState);
                    services.AddSingleton<IChannelCircuits>(gateState);
                    services.AddSingleton<ISendConfirmations>(ledger);
                }

                services.AddSingleton(sending ?? new SendingOptions());
                services.AddSingleton<SendGate>();

                services.AddSingleton<ISendChannel>(harness.Channel);
                services.AddSingleton(policy ?? new SendPolicyOptions());
                services.AddSingleton(settlement ?? new SendSettlementOptions());
                services.AddSingleton<SendSettlement>();
                services.AddSingleton(TimeProvider.System);
            },
        };

        // The test host picks a free port and binds it later; another process can take it in between, so a start is tried again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                harness._host = await DurableTaskTestHost.StartAsync(r => r.AddJourneyTasks(harness.Catalog, orchestration), hostOptions);
                break;
            }
            catch (IOException) when (attempt < 3)
            {
            }
        }

        harness.Instances = new DurableTaskClientJourneyInstances(harness.Client, instances ?? new JourneyInstancesOptions(), NullLogger<DurableTaskClientJourneyInstances>.Instance);
        return harness;
    }

    public async Task<string> StartAsync(JourneyStart start)
    {
        await Instances.StartAsync(start);
        return start.InstanceId;
    }

    /// <summary>Starts one entry of <paramref name="journey"/> per customer, in order; the instance ids.</summary>
    public async Task<IReadOnlyList<string>> StartAllAsync(Journey journey, IEnumerable<string> customers)
    {
        var ids = new List<string>();
        foreach (var customer in customers)
        {
            ids.Add(await StartAsync(TestJourneys.Start(journey, customer)));
        }

        return ids;
    }

    /// <summary>Waits until every instance completed.</summary>
    public async Task CompletionAsync(IEnumerable<string> instanceIds)
    {
        foreach (var id in instanceIds)
        {
            await CompletionAsync(id);
        }
    }

    public Task RaiseAsync(string instanceId, JourneyEventDelivery delivery) => Instances.RaiseAsync(instanceId, delivery);

    public async Task<JourneyOutcome> CompletionAsync(string instanceId)
    {
        using var timeout = new CancellationTokenSource(CompletionTimeout);
        var metadata = await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, timeout.Token);
        Assert.True(metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"{instanceId} ended {metadata.RuntimeStatus}: {metadata.FailureDetails?.ErrorType} {metadata.FailureDetails?.ErrorMessage}");
        return metadata.ReadOutputAs<JourneyOutcome>()!;
    }

    /// <summary>Waits until the instance is waiting (its first batch recorded), so an event raised next is not taken for an earlier one.</summary>
    public async Task WaitRecordedAsync(string instanceId, int batches = 1)
    {
        using var timeout = new CancellationTokenSource(CompletionTimeout);
        while (Recorder.For(instanceId).Count() < batches)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();
}
