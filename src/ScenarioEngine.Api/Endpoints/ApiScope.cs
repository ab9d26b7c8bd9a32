namespace ScenarioEngine.Api.Endpoints;

/// <summary>The API key scopes; a key holds one or more of them.</summary>
public enum ApiScope
{
    /// <summary>Shops posting events and identifying customers.</summary>
    Events,

    /// <summary>Dashboard viewers: every GET (journeys, messages, segments, customers, reports, metrics, the audit log).</summary>
    Read,

    /// <summary>Editors: journey drafts, messages, segments, validate, simulate and preview.</summary>
    Write,

    /// <summary>Operators: publish, pause, resume, archive, erase a customer, reload the catalog, recompute analytics.</summary>
    Publish,
}
