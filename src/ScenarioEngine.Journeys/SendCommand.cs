using System.Text.Json.Serialization;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Json;

namespace ScenarioEngine.Journeys;

/// <summary>The input of <see cref="Sending.SendActivity"/>: one message of one step of one instance.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="InstanceId">The orchestration instance.</param>
/// <param name="JourneyId">The journey.</param>
/// <param name="Version">The journey version.</param>
/// <param name="StepId">The send step.</param>
/// <param name="Medium">email, line, webhook or postcard.</param>
/// <param name="MessageId">The message document.</param>
/// <param name="Transactional">Transactional messages bypass caps and quiet hours.</param>
/// <param name="IdempotencyKey">Stable for this send across retries and replays (instance, sequence and step).</param>
/// <param name="Attempt">1 for the first attempt; more after deferrals.</param>
public sealed record SendCommand(
    string CustomerId,
    string InstanceId,
    string JourneyId,
    int Version,
    string StepId,
    string Medium,
    string MessageId,
    bool Transactional,
    string IdempotencyKey,
    int Attempt)
{
    /// <summary>
    /// The wait point's record batch (so a segment with a send needs no record activity of its own): written in the send's claim
    /// transaction, or with its outcome when the send is held before any claim; a batch that updates the profile is written before.
    /// </summary>
    public JourneyRecord? Record { get; init; }

    /// <summary>
    /// Set when the orchestrator gives the send up after <see cref="JourneyOrchestrationOptions.MaxSendAttempts"/> deferred attempts:
    /// the activity then records the send as failed with this reason instead of trying again.
    /// </summary>
    public string? GiveUp { get; init; }

    /// <summary>The properties of the event that started the instance, for the message's template (trigger.*).</summary>
    [JsonConverter(typeof(CoreJsonConverter<IReadOnlyDictionary<string, Value>>))]
    public IReadOnlyDictionary<string, Value> Trigger { get; init; } = CustomerEvent.NoProperties;

    /// <summary>The start of the send-rate window this send holds a place in (from the rate deferral of the attempt before), or null.</summary>
    public DateTimeOffset? ReservedWindow { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first missing field.</summary>
    public void Validate()
    {
        foreach (var (value, name) in new[]
                 {
                     (CustomerId, nameof(CustomerId)), (InstanceId, nameof(InstanceId)), (JourneyId, nameof(JourneyId)), (StepId, nameof(StepId)),
                     (Medium, nameof(Medium)), (MessageId, nameof(MessageId)), (IdempotencyKey, nameof(IdempotencyKey)),
                 })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"SendCommand.{name} is required (a non-empty string).", name);
            }
        }
    }
}
