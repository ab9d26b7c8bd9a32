using System.Diagnostics;
using System.Diagnostics.Metrics;
using ScenarioEngine.Runtime.Diagnostics;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>
/// The wrapper every storage call passes through: no allocation when nothing listens or the call has already ended, and every
/// call recorded once when someone listens. In the meter collection, which runs alone, so no other test's listener is attached.
/// </summary>
[Collection(nameof(MeterTests))]
public sealed class MeteredCallTests
{
    [Fact]
    public void Run_NoListener_ReturnsTheCallItself()
    {
        var pending = new TaskCompletionSource<int>();

        var metered = MeteredCall.Run("table.get", Stopwatch.GetTimestamp(), pending.Task);
        var meteredVoid = MeteredCall.Run("queue.send", Stopwatch.GetTimestamp(), (Task)pending.Task);

        Assert.Same(pending.Task, metered);
        Assert.Same(pending.Task, meteredVoid);
    }

    [Fact]
    public void Run_ListenerAndCallEnded_RecordsItAndReturnsTheCallItself()
    {
        using var recorded = new StorageCallListener();
        var done = Task.FromResult(new object()); // not a value the runtime caches tasks for (small ints, bools)

        var metered = MeteredCall.Run("table.get", Stopwatch.GetTimestamp(), done);

        Assert.Same(done, metered);
        Assert.Equal(["table.get"], recorded.Operations);
    }

    [Fact]
    public async Task Run_ListenerAndCallRunning_RecordsItOnceWhenItEnds()
    {
        using var recorded = new StorageCallListener();
        var pending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        var metered = MeteredCall.Run("table.query", Stopwatch.GetTimestamp(), pending.Task);
        Assert.Empty(recorded.Operations);
        pending.SetResult(42);

        Assert.Equal(42, await metered);
        Assert.Equal(["table.query"], recorded.Operations);
    }

    [Fact]
    public async Task Run_ListenerAndCallFails_RecordsItAndPassesTheFailureOn()
    {
        using var recorded = new StorageCallListener();
        var pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var metered = MeteredCall.Run("table.commit", Stopwatch.GetTimestamp(), pending.Task);
        pending.SetException(new IOException("storage down"));

        await Assert.ThrowsAsync<IOException>(() => metered);
        Assert.Equal(["table.commit"], recorded.Operations);
    }

    /// <summary>Collects the operation tag of every scenarioengine.storage.calls measurement while it lives.</summary>
    private sealed class StorageCallListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<string?> _operations = [];

        public StorageCallListener()
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == EngineMeter.Name && instrument.Name == "scenarioengine.storage.calls")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                string? operation = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "operation")
                    {
                        operation = tag.Value as string;
                    }
                }

                lock (_operations)
                {
                    _operations.Add(operation);
                }
            });
            _listener.Start();
        }

        public IReadOnlyList<string?> Operations
        {
            get
            {
                lock (_operations)
                {
                    return [.. _operations];
                }
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
