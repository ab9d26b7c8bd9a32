using System.Collections.Concurrent;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Journeys.Ports;

namespace ScenarioEngine.Journeys.Tests;

/// <summary>Published journey versions in memory.</summary>
internal sealed class FakeCatalog : IJourneyCatalog
{
    private readonly ConcurrentDictionary<(string, int), Journey> _versions = new();

    public void Publish(Journey journey) => _versions[(journey.Id, journey.Version)] = journey;

    public Journey? Find(string journeyId, int version) => _versions.GetValueOrDefault((journeyId, version));
}

/// <summary>Records batches once per (instance, batch), as the Table-backed recorder must.</summary>
internal sealed class FakeRecorder : IJourneyRecorder
{
    private readonly ConcurrentDictionary<(string, int), JourneyRecord> _batches = new();

    public int Calls;

    public IReadOnlyList<JourneyRecord> Batches => _batches.Values.OrderBy(b => b.InstanceId, StringComparer.Ordinal).ThenBy(b => b.Batch).ToList();

    public IEnumerable<JourneyRecord> For(string instanceId) => Batches.Where(b => b.InstanceId == instanceId);

    public Task RecordAsync(JourneyRecord record, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        _batches.TryAdd((record.InstanceId, record.Batch), record);
        return Task.CompletedTask;
    }
}

/// <summary>
/// A channel that keeps every message it delivers, as a provider would: with <see cref="Repeat"/> <see cref="RepeatSafety.SameKey"/> a
/// repeated key is delivered once (the provider de-duplicates), otherwise every call delivers. It can fail a number of calls: crash
/// before delivering, crash after delivering, or deliver and then time out (answer unknown); while <see cref="Failure"/> is set, it
/// answers that instead of delivering.
/// </summary>
internal sealed class FakeChannel : ISendChannel
{
    private readonly ConcurrentQueue<(SendCommand Command, DateTimeOffset At)> _sent = new();
    private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);
    private int _calls;
    private int _failed;

    /// <summary>What a repeat of a send does at this provider (for every medium).</summary>
    public RepeatSafety Repeat { get; set; } = RepeatSafety.SameKey;

    /// <summary>Calls that throw before anything is delivered (a crash between claim and send).</summary>
    public int CrashesBeforeDelivery;

    /// <summary>Calls that deliver and then throw (a crash between send and record).</summary>
    public int CrashesAfterDelivery;

    /// <summary>Calls that deliver and then answer <see cref="ChannelSendStatus.Unknown"/> (the response timed out).</summary>
    public int TimeoutsAfterDelivery;

    /// <summary>Every call, delivered or not.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>What reached customers.</summary>
    public IReadOnlyList<(SendCommand Command, DateTimeOffset At)> Sent => _sent.ToList();

    /// <summary>The calls answered with <see cref="Failure"/>.</summary>
    public int FailedCalls => Volatile.Read(ref _failed);

    /// <summary>The answer while the provider is failing (null: deliver).</summary>
    public ChannelSendResult? Failure { get; set; }

    public IReadOnlyList<string> MessagesFor(string instanceId) => _sent.Where(s => s.Command.InstanceId == instanceId).Select(s => s.Command.MessageId).ToList();

    public RepeatSafety RepeatSafetyOf(string medium) => Repeat;

    public Task<ChannelSendResult> SendAsync(SendCommand command, CustomerProfile profile, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        if (Failure is { } failure)
        {
            Interlocked.Increment(ref _failed);
            return Task.FromResult(failure);
        }

        if (Take(ref CrashesBeforeDelivery))
        {
            throw new IOException("the process stopped before the provider was called");
        }

        if (Repeat != RepeatSafety.SameKey || _keys.TryAdd(command.IdempotencyKey, 0))
        {
            _sent.Enqueue((command, DateTimeOffset.UtcNow));
        }

        if (Take(ref CrashesAfterDelivery))
        {
            throw new IOException("the process stopped after the provider accepted the message");
        }

        if (Take(ref TimeoutsAfterDelivery))
        {
            return Task.FromResult(new ChannelSendResult(ChannelSendStatus.Unknown, "the provider did not answer in time"));
        }

        return Task.FromResult(new ChannelSendResult(ChannelSendStatus.Delivered, "accepted", "fake-" + command.IdempotencyKey,
            Content: new Dictionary<string, string>(StringComparer.Ordinal) { ["body"] = "rendered " + command.MessageId }));
    }

    private static bool Take(ref int budget)
    {
        for (var left = Volatile.Read(ref budget); left > 0; left = Volatile.Read(ref budget))
        {
            if (Interlocked.CompareExchange(ref budget, left - 1, left) == left)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>One customer partition per customer: profile, send history and claims, versioned like a Table ETag.</summary>
internal sealed class FakeLedger : ISendLedger, ICustomerProfiles, ISendConfirmations
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Partition> _partitions = new(StringComparer.Ordinal);

    private readonly HashSet<(string InstanceId, int Batch)> _recorded = [];

    public List<(string Key, SendOutcome Outcome)> Outcomes { get; } = [];

    /// <summary>Where the record batches sends carry land (with the claim, or with the outcome of a send held before any claim).</summary>
    public FakeRecorder Recorder { get; } = new();

    /// <summary>How many times a profile was read (each timer wake reads one).</summary>
    public int ProfileReads { get; private set; }

    public void Put(CustomerProfile profile, params SentMessage[] history)
    {
        lock (_gate)
        {
            var p = Get(profile.CustomerId);
            p.Profile = profile;
            p.History.AddRange(history);
        }
    }

    /// <summary>Claims a key without an outcome, as a run that stopped after claiming would leave it.</summary>
    public void LeaveClaimed(string customerId, string key, DateTimeOffset at)
    {
        lock (_gate)
        {
            Get(customerId).Claims[key] = new SendClaim(at, null);
        }
    }

    public Task ConfirmAsync(SendConfirmation confirmation, CancellationToken cancellationToken = default)
    {
        confirmation.Validate();
        lock (_gate)
        {
            var confirmations = Get(confirmation.CustomerId).Confirmations;
            if (!confirmation.Accepted || !confirmations.ContainsKey(confirmation.IdempotencyKey))
            {
                confirmations[confirmation.IdempotencyKey] = confirmation;
            }

            return Task.CompletedTask;
        }
    }

    public Task<SendConfirmation?> FindAsync(string customerId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(Get(customerId).Confirmations.GetValueOrDefault(idempotencyKey));
        }
    }

    public Task<SendLedgerView> ReadAsync(string customerId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var p = Get(customerId);
            return Task.FromResult(new SendLedgerView(p.Profile, p.History.ToList(), p.Claims.GetValueOrDefault(idempotencyKey), p.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    public Task<CustomerProfile> ReadAsync(string customerId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ProfileReads++;
            return Task.FromResult(Get(customerId).Profile);
        }
    }

    public Task<bool> TryClaimAsync(SendClaimRequest claim, string etag, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var p = Get(claim.CustomerId);
            if (p.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) != etag || p.Claims.ContainsKey(claim.IdempotencyKey))
            {
                return Task.FromResult(false);
            }

            p.Claims[claim.IdempotencyKey] = new SendClaim(claim.At, null);
            p.History.Add(new SentMessage(claim.Medium, claim.At, claim.Transactional));
            p.ClaimedAt[claim.IdempotencyKey] = p.History[^1];
            p.Version++;
            Carried(claim.Record);
            return Task.FromResult(true);
        }
    }

    public Task RecordOutcomeAsync(SendCommand send, SendOutcome outcome, IReadOnlyDictionary<string, string>? content = null, CancellationToken cancellationToken = default)
    {
        var (customerId, idempotencyKey) = (send.CustomerId, send.IdempotencyKey);
        lock (_gate)
        {
            var p = Get(customerId);
            Outcomes.Add((idempotencyKey, outcome));
            Carried(send.Record);
            if (outcome.Status == SendStatus.Deferred)
            {
                p.Claims.Remove(idempotencyKey);
                if (p.ClaimedAt.Remove(idempotencyKey, out var counted))
                {
                    p.History.Remove(counted);
                }
            }
            else if (p.Claims.TryGetValue(idempotencyKey, out var claim))
            {
                p.Claims[idempotencyKey] = claim with { Outcome = outcome };
            }

            p.Version++;
            return Task.CompletedTask;
        }
    }

    // A carried batch is recorded once, by the first transaction of its send.
    private void Carried(JourneyRecord? record)
    {
        if (record is not null && _recorded.Add((record.InstanceId, record.Batch)))
        {
            Recorder.RecordAsync(record).GetAwaiter().GetResult();
        }
    }

    private Partition Get(string customerId)
    {
        if (!_partitions.TryGetValue(customerId, out var p))
        {
            p = new Partition { Profile = TestJourneys.Profile(customerId) };
            _partitions[customerId] = p;
        }

        return p;
    }

    private sealed class Partition
    {
        public CustomerProfile Profile { get; set; } = null!;

        public List<SentMessage> History { get; } = [];

        public Dictionary<string, SendClaim> Claims { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SentMessage> ClaimedAt { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SendConfirmation> Confirmations { get; } = new(StringComparer.Ordinal);

        public int Version { get; set; }
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>Journey instances ingest starts and raises, recorded (nothing runs them).</summary>
internal sealed class FakeJourneyInstances : IJourneyInstances
{
    private readonly ConcurrentQueue<JourneyStart> _started = new();

    public IReadOnlyList<JourneyStart> Started => [.. _started];

    public Task StartAsync(JourneyStart start, CancellationToken cancellationToken = default)
    {
        _started.Enqueue(start);
        return Task.CompletedTask;
    }

    public Task RaiseAsync(string instanceId, JourneyEventDelivery delivery, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
