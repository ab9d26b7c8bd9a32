namespace ScenarioEngine.Api;

/// <summary>How this process runs: which store, whether it runs the queue workers and scheduled jobs itself, and which host it is.</summary>
/// <param name="Storage">"azure" or "memory".</param>
/// <param name="Workers">True when the queue workers and scheduled jobs run as hosted services here (the standalone host).</param>
/// <param name="Host"><see cref="Standalone"/> or <see cref="Functions"/>.</param>
public sealed record HostMode(string Storage, bool Workers, string Host)
{
    /// <summary>The standalone ASP.NET Core host (ScenarioEngine.Host).</summary>
    public const string Standalone = "standalone";

    /// <summary>The Azure Functions isolated-worker app (ScenarioEngine.Functions): its triggers run the queues and jobs.</summary>
    public const string Functions = "functions";
}
