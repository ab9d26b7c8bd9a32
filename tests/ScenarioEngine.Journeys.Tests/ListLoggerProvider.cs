using Microsoft.Extensions.Logging;
using ScenarioEngine.Channels.Tests;

namespace ScenarioEngine.Journeys.Tests;

/// <summary>Hands one <see cref="ListLogger"/> to every category, so a test sees what a worker's tasks logged.</summary>
internal sealed class ListLoggerProvider(ListLogger logger) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => logger;

    public void Dispose()
    {
    }
}
