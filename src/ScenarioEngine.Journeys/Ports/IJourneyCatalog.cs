using ScenarioEngine.Core.Language;

namespace ScenarioEngine.Journeys.Ports;

/// <summary>
/// The published journey versions, read by the orchestrator on every replay. Published versions are immutable, so the lookup is
/// deterministic; it must not do I/O (the host loads the versions before the worker starts and adds each newly published one).
/// </summary>
public interface IJourneyCatalog
{
    /// <summary>The journey at exactly this version, or null when the catalog does not hold it.</summary>
    Journey? Find(string journeyId, int version);
}
