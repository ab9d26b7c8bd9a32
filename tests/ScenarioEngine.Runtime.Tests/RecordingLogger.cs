using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>A logger that keeps every entry (event id, level, message, exception) for assertions.</summary>
internal sealed class RecordingLogger : ILogger<JourneyEngine>
{
    private readonly ConcurrentQueue<(EventId Id, LogLevel Level, string Message, Exception? Exception)> _entries = new();

    public IReadOnlyList<(EventId Id, LogLevel Level, string Message, Exception? Exception)> Entries => [.. _entries];

    public IReadOnlyList<(EventId Id, LogLevel Level, string Message, Exception? Exception)> WithId(int id) => Entries.Where(e => e.Id.Id == id).ToList();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((eventId, logLevel, formatter(state, exception), exception));
}
