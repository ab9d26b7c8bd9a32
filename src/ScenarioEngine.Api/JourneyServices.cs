using Microsoft.Extensions.Options;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;
using ScenarioEngine.Journeys.Storage;
using ScenarioEngine.Journeys.Storage.Adapters;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Api;

/// <summary>
/// The ports the journey orchestrator and its activities take from a host's services, over the engine's storage, catalog and
/// channels: the same in both hosts. Each host adds the Durable Task client side (<see cref="IJourneyInstances"/>) and the worker.
/// </summary>
public static class JourneyServices
{
    /// <summary>The section of <see cref="JourneyOrchestrationOptions"/>.</summary>
    public const string Section = "Journeys";

    /// <summary>
    /// Registers the catalog, send ledger, recorder, profiles, channel, send gate (rates and circuits in the sending table, created by
    /// <see cref="InitializeAsync"/>), channel health and settings the journey tasks need.
    /// </summary>
    public static IServiceCollection AddJourneyPorts(this IServiceCollection services)
    {
        services.AddOptions<JourneyOrchestrationOptions>().BindConfiguration(Section)
            .PostConfigure<IOptions<EngineOptions>>((o, engine) => o.Machine = engine.Value.Machine)
            .Validate(IsValid, "Journeys:MaxWaitPointsPerExecution, MaxSendAttempts and MaxActivityAttempts must be 1 or more and ActivityRetryInterval positive.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<JourneyOrchestrationOptions>>().Value);
        services.AddSingleton(sp =>
        {
            var engine = sp.GetRequiredService<IOptions<EngineOptions>>().Value;
            var sending = sp.GetRequiredService<IConfiguration>()[$"{JourneyTableOptions.Section}:{nameof(JourneyTableOptions.SendingTable)}"];
            var tables = new JourneyTableOptions { CustomersTable = engine.CustomersTable, SendHistoryWindow = engine.SendHistoryWindow };
            if (!string.IsNullOrEmpty(sending))
            {
                tables.SendingTable = sending;
            }

            return tables;
        });
        services.AddSingleton<SendPolicyOptions>(sp => sp.GetRequiredService<IOptions<EngineOptions>>().Value.Policy);
        services.AddSingleton<IJourneyCatalog, CatalogJourneys>();
        // One per process: the ledger's and the recorder's conditioned writes start from the rows the other, or ingest (the JourneyEngine
        // takes it too), last wrote.
        services.AddSingleton(_ => new RecentRows());
        services.AddSingleton<TableSendLedger>();
        services.AddSingleton<ISendLedger>(sp => sp.GetRequiredService<TableSendLedger>());
        services.AddSingleton<ICustomerProfiles>(sp => sp.GetRequiredService<TableSendLedger>());
        services.AddSingleton<ISendConfirmations>(sp => sp.GetRequiredService<TableSendLedger>());
        services.AddOptions<SendSettlementOptions>().BindConfiguration(SendSettlementOptions.Section)
            .Validate(o => o.EmailConfirmationWindow > TimeSpan.Zero, "Sending:EmailConfirmationWindow must be a positive duration (hh:mm:ss), e.g. 01:00:00.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SendSettlementOptions>>().Value);
        services.AddSingleton<SendSettlement>();
        services.AddOptions<SendingOptions>().BindConfiguration(SendingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SendingOptions>, SendingOptionsValidation>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SendingOptions>>().Value);
        services.AddSingleton<TableSendGateState>();
        services.AddSingleton<ISendRates>(sp => sp.GetRequiredService<TableSendGateState>());
        services.AddSingleton<IChannelCircuits>(sp => sp.GetRequiredService<TableSendGateState>());
        // One per process: it coalesces the process's concurrent rate reservations into one cursor write.
        services.AddSingleton<SendGate>();
        services.AddSingleton<IChannelHealth, ChannelHealthReader>();
        services.AddSingleton<IJourneyRecorder, TableJourneyRecorder>();
        services.AddSingleton<ISendChannel>(sp => new CatalogSendChannel(
            sp.GetRequiredService<Runtime.Engine.Catalog>(), sp.GetRequiredService<IMessageRenderer>(), sp.GetRequiredService<ChannelSet>().Channels));
        return services;
    }

    /// <summary>Creates the table of the rows every host shares for sending (rate cursors, circuits) if it does not exist.</summary>
    public static Task InitializeAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetRequiredService<IRowStore>().CreateTableAsync(services.GetRequiredService<JourneyTableOptions>().SendingTable, cancellationToken);
    }

    private static bool IsValid(JourneyOrchestrationOptions options)
    {
        try
        {
            options.Validate();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
