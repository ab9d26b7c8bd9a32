using Microsoft.Extensions.Logging;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>A logger factory whose every logger writes to one <see cref="RecordingLogger"/>.</summary>
internal sealed class SingleLoggerFactory(RecordingLogger logger) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => logger;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
