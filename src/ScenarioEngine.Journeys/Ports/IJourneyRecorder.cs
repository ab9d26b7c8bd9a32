namespace ScenarioEngine.Journeys.Ports;

/// <summary>Writes what a journey instance did (steps, decisions, profile updates, conversions, exits) to the customer's time line, profile and step counters.</summary>
public interface IJourneyRecorder
{
    /// <summary>Writes one batch; must be idempotent by (<see cref="JourneyRecord.InstanceId"/>, <see cref="JourneyRecord.Batch"/>), since activities run at least once.</summary>
    Task RecordAsync(JourneyRecord record, CancellationToken cancellationToken = default);
}
