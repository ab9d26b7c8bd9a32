using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Journeys.Sending;

/// <summary>
/// A process's reservations under the send rates, coalesced: per medium one cursor write is out at a time, and it reserves a place for
/// every send that asked meanwhile (in the order they asked), so sends racing in one host never conflict on the row and a host makes
/// one write per batch, not per send. Hosts still race each other on the row; a lost write backs off at random and tries again.
/// </summary>
internal sealed class RateReservations(ISendRates rates, SendingOptions options, TimeProvider time)
{
    private const int MaxWriteAttempts = 16;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue> _queues = new(StringComparer.Ordinal);

    /// <summary>The start of the window the place reserved for one send of <paramref name="medium"/> is in.</summary>
    public Task<DateTimeOffset> ReserveAsync(string medium, int perWindow)
    {
        var waiter = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        Queue queue;
        bool drain;
        lock (_gate)
        {
            if (!_queues.TryGetValue(medium, out queue!))
            {
                queue = new Queue();
                _queues[medium] = queue;
            }

            queue.Waiting.Add(waiter);
            drain = !queue.Draining;
            queue.Draining = true;
        }

        if (drain)
        {
            // The send that starts the drain serves the first batch itself (with a store that completes synchronously, as in virtual
            // time, its place is known on return); later batches are served off its path.
            _ = DrainAsync(medium, perWindow, queue);
        }

        return waiter.Task;
    }

    private async Task DrainAsync(string medium, int perWindow, Queue queue)
    {
        while (true)
        {
            List<TaskCompletionSource<DateTimeOffset>> batch;
            lock (_gate)
            {
                if (queue.Waiting.Count == 0)
                {
                    queue.Draining = false;
                    return;
                }

                batch = [.. queue.Waiting];
                queue.Waiting.Clear();
            }

            try
            {
                var windows = await ReserveManyAsync(medium, perWindow, batch.Count).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].TrySetResult(windows[i]);
                }
            }
            catch (Exception ex)
            {
                // Every waiter's activity fails with the storage error and is retried by the orchestration's retry policy.
                foreach (var waiter in batch)
                {
                    waiter.TrySetException(ex);
                }
            }

            lock (_gate)
            {
                if (queue.Waiting.Count == 0)
                {
                    queue.Draining = false;
                    return;
                }
            }

            await Task.Yield();
        }
    }

    private async Task<DateTimeOffset[]> ReserveManyAsync(string medium, int perWindow, int count)
    {
        var shard = options.RateShards == 1 ? 0 : Random.Shared.Next(options.RateShards);
        var share = SendingOptions.ShareOf(perWindow, options.RateShards, shard);
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var now = time.GetUtcNow();
            var read = await rates.ReadAsync(medium, shard).ConfigureAwait(false);
            var cursor = read.Value;
            var windows = new DateTimeOffset[count];
            for (var i = 0; i < count; i++)
            {
                cursor = SendRate.Reserve(cursor, now, share, options.RateWindow);
                windows[i] = cursor.Window;
            }

            if (await rates.TryWriteAsync(medium, shard, cursor!, read.ETag).ConfigureAwait(false))
            {
                return windows;
            }

            await SendGate.BackOffAsync(attempt, time).ConfigureAwait(false);
        }

        throw new InvalidOperationException(
            $"The send-rate row of {medium} (shard {shard}) kept changing; no place was reserved after {MaxWriteAttempts} attempts (the activity is retried).");
    }

    private sealed class Queue
    {
        public List<TaskCompletionSource<DateTimeOffset>> Waiting { get; } = [];

        public bool Draining { get; set; }
    }
}
