using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ScenarioEngine.Journeys.Storage.Simulation;

/// <summary>
/// A <see cref="TaskOrchestrationContext"/> in virtual time for <see cref="VirtualOrchestrations"/>: activities run in process at once,
/// timers and external events complete when the virtual clock or a raise reaches them. Nothing is replayed: the orchestrator runs
/// once, forward, exactly as the Durable Task worker would run it when no replay happens.
/// </summary>
internal sealed class VirtualOrchestrationContext(VirtualOrchestrations host, VirtualInstance instance) : TaskOrchestrationContext
{
    private int _guids;

    /// <inheritdoc />
    public override TaskName Name => new(JourneyOrchestrator.Name);

    /// <inheritdoc />
    public override string InstanceId => instance.Id;

    /// <inheritdoc />
    public override ParentOrchestrationInstance? Parent => null;

    /// <inheritdoc />
    public override DateTime CurrentUtcDateTime => host.Now.UtcDateTime;

    /// <inheritdoc />
    public override bool IsReplaying => false;

    /// <inheritdoc />
    protected override ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    /// <inheritdoc />
    public override T? GetInput<T>() where T : default => (T?)instance.Input;

    /// <inheritdoc />
    public override async Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null) =>
        (TResult)(await host.RunActivityAsync(name.Name, instance.Id, input).ConfigureAwait(false))!;

    /// <inheritdoc />
    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken) =>
        host.Schedule(instance, new DateTimeOffset(DateTime.SpecifyKind(fireAt, DateTimeKind.Utc)), cancellationToken);

    /// <inheritdoc />
    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) =>
        instance.WaitAsync<T>(eventName, cancellationToken);

    /// <inheritdoc />
    public override void SendEvent(string instanceId, string eventName, object payload) =>
        throw new NotSupportedException("Journey orchestrations do not send events to other instances.");

    /// <inheritdoc />
    public override void SetCustomStatus(object? customStatus)
    {
    }

    /// <inheritdoc />
    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
        throw new NotSupportedException("Journey orchestrations have no sub-orchestrations.");

    /// <inheritdoc />
    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => instance.ContinueWith = newInput;

    /// <inheritdoc />
    public override Guid NewGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, HashCode.Combine(instance.Id, ++_guids));
        return new Guid(bytes);
    }
}
