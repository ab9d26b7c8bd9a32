namespace ScenarioEngine.Api;

/// <summary>How this process runs: which store, whether it runs the workers, whether the Functions host drives it.</summary>
/// <param name="Storage">"azure" or "memory".</param>
/// <param name="Workers">True when the queue workers and scheduled jobs run here.</param>
/// <param name="CustomHandler">True when started by the Azure Functions host (FUNCTIONS_CUSTOMHANDLER_PORT is set).</param>
public sealed record HostMode(string Storage, bool Workers, bool CustomHandler);
