namespace ScenarioEngine.Api.Audit;

/// <summary>A response value that carries the version a change produced; the audit log records it.</summary>
public interface IAuditedVersion
{
    /// <summary>The version.</summary>
    int Version { get; }
}
