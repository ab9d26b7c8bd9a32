using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>What ingest does to a journey instance once the customer's batch commits.</summary>
internal enum IngestActionKind
{
    /// <summary>Start a new instance (the triggering event travels in its input).</summary>
    Start,

    /// <summary>Raise the event to a running instance.</summary>
    Raise,
}

/// <summary>One start or raise, with the event and the customer's profile as the event left it.</summary>
internal sealed record IngestAction(IngestActionKind Kind, string InstanceId, string JourneyId, int Version, CustomerEvent Event, CustomerProfile Profile);
