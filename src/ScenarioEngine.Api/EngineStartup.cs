using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Catalog;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Api;

/// <summary>
/// What every host does before it serves a request or handles a message: creates the tables and queues, loads the published
/// journeys, messages and segments and, with Samples:Load, the samples. Runs once per process; a failed attempt is tried again by
/// the next caller.
/// </summary>
public sealed class EngineStartup(IServiceProvider services, HostMode mode, ILogger<EngineStartup> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _done;

    /// <summary>True once initialization has succeeded.</summary>
    public bool IsInitialized => _done;

    /// <summary>Initializes this process unless that already happened.</summary>
    public async Task EnsureInitializedAsync(CancellationToken cancellationToken = default)
    {
        if (_done)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_done)
            {
                await InitializeAsync(cancellationToken).ConfigureAwait(false);
                _done = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await services.GetRequiredService<JourneyEngine>().InitializeAsync(cancellationToken).ConfigureAwait(false);
        await JourneyServices.InitializeAsync(services, cancellationToken).ConfigureAwait(false);
        var definitions = services.GetRequiredService<DefinitionStore>();
        await definitions.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await services.GetRequiredService<Audit.AuditLog>().InitializeAsync(cancellationToken).ConfigureAwait(false);
        await definitions.ReloadAsync(cancellationToken).ConfigureAwait(false);
        if (services.GetRequiredService<IOptions<SamplesOptions>>().Value.Load)
        {
            await services.GetRequiredService<SampleLoader>().LoadAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var channel in services.GetRequiredService<ChannelSet>().Channels)
        {
            Log.ChannelConfigured(logger, channel.Medium, channel is RecordingChannel ? "recorded (no provider configured)" : channel.GetType().Name);
        }

        Log.Started(logger, mode.Host, mode.Storage, mode.Workers);
    }
}
