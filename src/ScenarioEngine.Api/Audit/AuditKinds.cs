namespace ScenarioEngine.Api.Audit;

/// <summary>The kinds of change the audit log records.</summary>
public static class AuditKinds
{
    /// <summary>A journey draft was saved.</summary>
    public const string DraftSaved = "journey.draftSaved";

    /// <summary>A journey version was published.</summary>
    public const string Published = "journey.published";

    /// <summary>A journey was paused.</summary>
    public const string Paused = "journey.paused";

    /// <summary>A journey was resumed.</summary>
    public const string Resumed = "journey.resumed";

    /// <summary>A journey was archived.</summary>
    public const string Archived = "journey.archived";

    /// <summary>A message was saved.</summary>
    public const string MessageSaved = "message.saved";

    /// <summary>A segment was saved.</summary>
    public const string SegmentSaved = "segment.saved";

    /// <summary>A segment was deleted.</summary>
    public const string SegmentDeleted = "segment.deleted";

    /// <summary>A customer's personal data was erased.</summary>
    public const string CustomerErased = "customer.erased";

    /// <summary>The catalog was reloaded on request.</summary>
    public const string CatalogReloaded = "catalog.reloaded";

    /// <summary>The analytics job was run on request.</summary>
    public const string AnalyticsRecomputed = "analytics.recomputed";
}
