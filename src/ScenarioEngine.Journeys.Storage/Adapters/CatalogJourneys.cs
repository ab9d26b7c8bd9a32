using ScenarioEngine.Core.Language;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Journeys.Storage.Adapters;

/// <summary>The orchestrator's journey versions, from the engine's <see cref="Catalog"/> (published versions are immutable; no I/O).</summary>
public sealed class CatalogJourneys(Catalog catalog) : IJourneyCatalog
{
    /// <inheritdoc />
    public Journey? Find(string journeyId, int version) => catalog.Find(journeyId, version);
}
