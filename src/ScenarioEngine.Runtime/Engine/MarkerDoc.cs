using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>The stored form of an event marker that caused starts or raises: what to do again if the event is delivered again.</summary>
internal sealed class MarkerDoc : IRowDocument<MarkerDoc>
{
    /// <summary>The starts and raises, in order.</summary>
    public List<MarkerAction> Actions { get; set; } = [];

    /// <inheritdoc />
    public MarkerDoc Copy() => new() { Actions = [.. Actions] };
}

/// <summary>One start or raise of a marker; <paramref name="Event"/> is null when it is the marker's own event (not a segment event it caused).</summary>
internal sealed record MarkerAction(IngestActionKind Kind, string InstanceId, string JourneyId, int Version, CustomerEvent? Event);
