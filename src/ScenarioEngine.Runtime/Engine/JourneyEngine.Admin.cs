using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>What erasing a customer removed.</summary>
/// <param name="AttributesRemoved">Profile attributes removed (consent, tags and time zone go too).</param>
/// <param name="JourneysStopped">Active journey instances ended with the reason "erased".</param>
/// <param name="TimelineRowsDeleted">Time-line rows deleted (they hold event properties and rendered messages).</param>
public sealed record EraseResult(int AttributesRemoved, int JourneysStopped, int TimelineRowsDeleted);

public sealed partial class JourneyEngine
{
    /// <summary>The exit reason recorded on instances stopped by an erasure.</summary>
    public const string ErasedReason = "erased";

    /// <summary>
    /// Erases a customer's personal data: profile attributes, consent, tags, time zone and send history, every time-line row and the
    /// trigger properties kept on journey instances. Instance rows stay (anonymous) so journey statistics keep their counts; active ones
    /// end with the reason "erased" and their orchestrations are terminated, so nothing more is sent. Computed aggregates (order counts
    /// and totals) are kept.
    /// Returns null when the customer is unknown. Safe to run again.
    /// </summary>
    /// <remarks>Events still queued for the customer when this runs are applied afterwards and can bring data back.</remarks>
    public async Task<EraseResult?> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        for (var attempt = 0; attempt < MaxCommitAttempts; attempt++)
        {
            var state = await ReadAsync(customerId, cancellationToken).ConfigureAwait(false);
            if (state.ProfileETag is null)
            {
                return null;
            }

            var now = _time.GetUtcNow();
            var writes = new List<RowWrite>();
            var stopped = new List<string>();
            var terminate = new List<string>();
            foreach (var (key, (held, etag)) in state.Instances)
            {
                var instance = held.State;
                if (instance.Status == InstanceStatus.Active || instance.ExitReason == ErasedReason)
                {
                    // An erasure run again after a crash terminates again what the first run may not have reached.
                    terminate.Add(instance.InstanceId);
                }

                var erased = instance with { Trigger = CustomerEvent.NoProperties };
                var doc = held.Copy(); // the state's documents are the rows' own (CustomerState.Instances)
                if (instance.Status == InstanceStatus.Active)
                {
                    erased = erased with { Status = InstanceStatus.Exited, ExitedAt = now, ExitReason = ErasedReason, WakeAt = null };
                    doc.Count("(exit)", ErasedReason);
                    stopped.Add(instance.InstanceId);
                }
                else if (instance.Trigger.Count == 0)
                {
                    continue;
                }

                doc.State = erased;
                writes.Add(new RowWrite(WriteKind.Replace, Codec.Row(customerId, key, doc, etag)));
            }

            var profile = state.ProfileDoc;
            var attributes = profile.Attributes.Count;
            var erasedProfile = new ProfileDoc { Computed = profile.Computed, TimelineSeq = profile.TimelineSeq };
            writes.Add(new RowWrite(WriteKind.Replace, Codec.Row(customerId, Codec.ProfileKey, erasedProfile, state.ProfileETag)));

            // The profile row goes last and carries the ETag read above: a batch that lost a race is retried from a fresh read.
            var ok = true;
            foreach (var chunk in writes.Chunk(100))
            {
                if ((await _store.CommitAsync(Table, chunk, cancellationToken).ConfigureAwait(false)).Status != CommitStatus.Ok)
                {
                    ok = false;
                    break;
                }
            }

            if (!ok)
            {
                Metrics.Conflict();
                continue;
            }

            var timeline = await _store.QueryAsync(Table, customerId, Codec.TimelinePrefix, "t}", cancellationToken).ConfigureAwait(false);
            foreach (var chunk in timeline.Chunk(100))
            {
                var deletes = chunk.Select(r => new RowWrite(WriteKind.Delete, r with { ETag = null })).ToList();
                await _store.CommitAsync(Table, deletes, cancellationToken).ConfigureAwait(false);
            }

            // The stopped instances' orchestrations end too (a running one would otherwise send its next message).
            foreach (var instanceId in terminate)
            {
                await _instances.TerminateAsync(instanceId, ErasedReason, cancellationToken).ConfigureAwait(false);
            }

            return new EraseResult(attributes, stopped.Count, timeline.Count);
        }

        throw new InvalidOperationException($"customer {customerId}: erasure could not commit after {MaxCommitAttempts} attempts");
    }
}
