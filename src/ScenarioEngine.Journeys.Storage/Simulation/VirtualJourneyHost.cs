using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Profiles;
using ScenarioEngine.Journeys.Recording;
using ScenarioEngine.Journeys.Sending;
using ScenarioEngine.Journeys.Storage.Adapters;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Integration;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Simulation;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Journeys.Storage.Simulation;

/// <summary>
/// The engine's ingest and the journey orchestrations wired in virtual time over one store: <see cref="JourneyEngine"/> starting and
/// raising through <see cref="VirtualOrchestrations"/>, whose send, record and profile activities use the Table-backed ledger and
/// recorder on the same store and the given channels. What the simulator and engine tests run; <see cref="RunUntilAsync"/> moves
/// the clock from one timer to the next.
/// </summary>
public sealed class VirtualJourneyHost
{
    /// <summary>
    /// Wires the engine and the orchestrations. <paramref name="recentRows"/> are the rows ingest, the ledger and the recorder share; by default
    /// none are kept (reads of the in-memory store cost no request, and remembering rows would only keep them alive), a host's
    /// <see cref="RecentRows"/> to count the store calls a host makes.
    /// </summary>
    public VirtualJourneyHost(IRowStore store, IQueueFactory queues, Catalog catalog, IEnumerable<IChannel> channels, IMessageRenderer renderer, ManualClock clock,
        EngineOptions options, IIntegrationEvents? integrationEvents = null, ILoggerFactory? loggers = null, SendingOptions? sending = null,
        RecentRows? recentRows = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggers ??= NullLoggerFactory.Instance;
        Clock = clock ?? throw new ArgumentNullException(nameof(clock));
        var tables = new JourneyTableOptions { CustomersTable = options.CustomersTable, SendHistoryWindow = options.SendHistoryWindow, Timeline = options.Timeline };
        var recent = recentRows ?? new RecentRows(capacity: 0);
        var ledger = new TableSendLedger(store, tables, clock, loggers.CreateLogger<TableSendLedger>(), integrationEvents, recent);
        var recorder = new TableJourneyRecorder(store, tables, loggers.CreateLogger<TableJourneyRecorder>(), integrationEvents, recent);
        var channel = new CatalogSendChannel(catalog, renderer, channels);
        var settlement = new SendSettlement(ledger, ledger, channel, new SendSettlementOptions(), clock, loggers.CreateLogger<SendSettlement>());
        var send = new SendActivity(ledger, recorder, channel, Gate(tables, sending ?? new SendingOptions(), clock, loggers), settlement, options.Policy, clock,
            loggers.CreateLogger<SendActivity>());
        var record = new RecordActivity(recorder);
        var profile = new ProfileActivity(ledger);
        ITaskActivity Activity(string name) => name switch
        {
            SendActivity.Name => send,
            RecordActivity.Name => record,
            ProfileActivity.Name => profile,
            _ => throw new InvalidOperationException($"no activity named '{name}'"),
        };

        Orchestrations = new VirtualOrchestrations(new CatalogJourneys(catalog), new JourneyOrchestrationOptions { Machine = options.Machine, TimerPadding = TimeSpan.Zero }, Activity, clock, clock.MoveTo);
        Engine = new JourneyEngine(store, queues, catalog, Orchestrations, clock, options, integrationEvents, loggers.CreateLogger<JourneyEngine>(), recent);
    }

    // The send rates and circuits in a store of their own (in memory, so they complete synchronously as virtual time needs), read on
    // the virtual clock: a rate's windows and a circuit's cool-down pass as the timers fire.
    private static SendGate Gate(JourneyTableOptions tables, SendingOptions sending, ManualClock clock, ILoggerFactory loggers)
    {
        var store = new InMemoryRowStore();
        store.CreateTableAsync(tables.SendingTable).GetAwaiter().GetResult();
        var state = new TableSendGateState(store, tables);
        return new SendGate(state, state, sending, clock, loggers.CreateLogger<SendGate>());
    }

    /// <summary>The engine (ingest, reads).</summary>
    public JourneyEngine Engine { get; }

    /// <summary>The orchestrations in virtual time.</summary>
    public VirtualOrchestrations Orchestrations { get; }

    /// <summary>The virtual clock.</summary>
    public ManualClock Clock { get; }

    /// <summary>Applies every queued event (each start or raise runs its instance on until it waits again).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        while (await Engine.PumpAllAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    /// <summary>Drains, then fires timers in time order up to <paramref name="until"/> (draining after each), and leaves the clock there.</summary>
    public async Task RunUntilAsync(DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        while (Orchestrations.FireNext(until))
        {
            await DrainAsync(cancellationToken).ConfigureAwait(false);
        }

        Clock.MoveTo(until);
        await DrainAsync(cancellationToken).ConfigureAwait(false);
    }
}
