using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>An events message: a pack of events, possibly of many customers.</summary>
public sealed record EventsMessage(IReadOnlyList<CustomerEvent> Events);
