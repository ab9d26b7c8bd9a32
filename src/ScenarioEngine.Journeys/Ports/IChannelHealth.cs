namespace ScenarioEngine.Journeys.Ports;

/// <summary>Reads the health of every channel (circuit and rate), for the health endpoint and the dashboard.</summary>
public interface IChannelHealth
{
    /// <summary>One entry per medium, in the order of <see cref="ScenarioEngine.Core.Language.Medium.All"/>.</summary>
    Task<IReadOnlyList<ChannelHealth>> ReadAsync(CancellationToken cancellationToken = default);
}
