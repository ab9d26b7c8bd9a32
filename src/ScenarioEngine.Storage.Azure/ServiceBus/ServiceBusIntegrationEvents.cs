using System.Threading.Channels;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Runtime.Diagnostics;
using ScenarioEngine.Runtime.Integration;

namespace ScenarioEngine.Storage.Azure.ServiceBus;

/// <summary>
/// Publishes integration events to a Service Bus topic without ever holding up the engine: <see cref="Publish"/> puts the event in a
/// bounded in-memory buffer (or drops and counts it when the buffer is full) and returns; <see cref="RunAsync"/>, run by
/// <see cref="ServiceBusIntegrationEventsWorker"/>, sends the buffer in batches and retries failed batches with exponential backoff.
/// What is buffered and not yet sent is lost if the process dies: see docs/integration-events.md.
/// </summary>
public sealed class ServiceBusIntegrationEvents : IIntegrationEvents
{
    private readonly ServiceBusSender _sender;
    private readonly ServiceBusOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<IntegrationEvent> _buffer;
    private long _published, _retried, _failed, _dropped;
    private int _full;

    /// <summary>Creates a publisher over a topic's sender.</summary>
    public ServiceBusIntegrationEvents(ServiceBusSender sender, ServiceBusOptions options, TimeProvider time, ILogger<ServiceBusIntegrationEvents> logger)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(options);
        _sender = sender;
        _options = options;
        _time = time;
        _logger = logger;
        _buffer = Channel.CreateBounded<IntegrationEvent>(new BoundedChannelOptions(options.BufferCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuses when full, so the drop is counted here
            SingleReader = true,
        });
    }

    /// <summary>Events the broker accepted.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Events in failed attempts that were tried again (one count per event per failed attempt).</summary>
    public long Retried => Interlocked.Read(ref _retried);

    /// <summary>Events given up after <see cref="ServiceBusOptions.MaxAttempts"/> attempts (or too large for a message).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Events dropped because the buffer was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events waiting in the buffer.</summary>
    public int Buffered => _buffer.Reader.Count;

    /// <inheritdoc />
    public void Publish(IntegrationEvent integrationEvent)
    {
        if (_buffer.Writer.TryWrite(integrationEvent))
        {
            return;
        }

        Interlocked.Increment(ref _dropped);
        EngineMeter.IntegrationEventsDropped(1);
        if (Interlocked.Exchange(ref _full, 1) == 0)
        {
            Log.BufferFull(_logger, _options.BufferCapacity);
        }
    }

    /// <summary>
    /// Sends buffered events until <paramref name="stoppingToken"/> is cancelled, then keeps sending what is buffered for up to
    /// <see cref="ServiceBusOptions.ShutdownTimeout"/>, and stops accepting events.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var pending = new List<IntegrationEvent>(_options.MaxBatchSize);
        try
        {
            while (await _buffer.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await SendBufferedAsync(pending, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: flush below.
        }

        _buffer.Writer.TryComplete();
        using var flush = new CancellationTokenSource(_options.ShutdownTimeout, _time);
        try
        {
            while (_buffer.Reader.Count > 0 || pending.Count > 0)
            {
                await SendBufferedAsync(pending, flush.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (flush.IsCancellationRequested)
        {
            Log.UnsentAtShutdown(_logger, pending.Count + _buffer.Reader.Count);
        }
    }

    // Takes up to a batch's worth of events from the buffer (after any left by an interrupted send) and sends them.
    private async Task SendBufferedAsync(List<IntegrationEvent> pending, CancellationToken cancellationToken)
    {
        while (pending.Count < _options.MaxBatchSize && _buffer.Reader.TryRead(out var e))
        {
            pending.Add(e);
        }

        await SendAsync(pending, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _full, 0);
    }

    /// <summary>
    /// Sends the events in batches, retrying failures with backoff; each event leaves the list once sent or given up, so on
    /// cancellation the list holds exactly what is still unsent.
    /// </summary>
    private async Task SendAsync(List<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (events.Count > 0)
        {
            try
            {
                using var batch = await _sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
                var added = 0;
                while (added < events.Count && batch.TryAddMessage(IntegrationEventMessage.From(events[added])))
                {
                    added++;
                }

                if (added == 0)
                {
                    // One event larger than a whole batch can hold: no retry can send it.
                    Log.EventTooLarge(_logger, events[0].Id, events[0].Type);
                    Interlocked.Increment(ref _failed);
                    EngineMeter.IntegrationEventsFailed(1);
                    events.RemoveAt(0);
                    continue;
                }

                await _sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
                events.RemoveRange(0, added);
                attempt = 0;
                Interlocked.Add(ref _published, added);
                EngineMeter.IntegrationEventsPublished(added);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                attempt++;
                var waiting = events.Count;
                if (attempt >= _options.MaxAttempts)
                {
                    Log.SendGaveUp(_logger, waiting, attempt, ex);
                    Interlocked.Add(ref _failed, waiting);
                    EngineMeter.IntegrationEventsFailed(waiting);
                    events.Clear();
                    return;
                }

                var delay = Backoff(attempt);
                Log.SendFailed(_logger, waiting, attempt, _options.MaxAttempts, delay, ex);
                Interlocked.Add(ref _retried, waiting);
                EngineMeter.IntegrationEventsRetried(waiting);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var delay = _options.MinRetryDelay * Math.Pow(2, Math.Min(attempt - 1, 30));
        return delay < _options.MaxRetryDelay ? delay : _options.MaxRetryDelay;
    }
}
