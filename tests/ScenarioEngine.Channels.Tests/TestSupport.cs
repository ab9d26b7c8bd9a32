namespace ScenarioEngine.Channels.Tests;

/// <summary>A clock that moves only when told to.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>A retry policy on a virtual clock: waits are recorded and advance the clock, never sleep.</summary>
public sealed class VirtualRetry
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public VirtualRetry(RetryOptions? options = null, int seed = 42, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        Time = new ManualTimeProvider(Start);
        Policy = new RetryPolicy(options ?? new RetryOptions(), Time, (delay, _) =>
        {
            Delays.Add(delay);
            Time.Advance(delay);
            return Task.CompletedTask;
        }, new Random(seed), logger);
    }

    public ManualTimeProvider Time { get; }

    public RetryPolicy Policy { get; }

    public List<TimeSpan> Delays { get; } = [];
}

/// <summary>
/// An <see cref="IHttpClientFactory"/> whose clients all share one handler and point at one base address (a loopback
/// server); it records the client names asked for.
/// </summary>
public sealed class LoopbackHttpClientFactory(Uri? baseAddress) : IHttpClientFactory, IDisposable
{
    private readonly SocketsHttpHandler _handler = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _names = new();

    public IReadOnlyList<string> Names => _names.ToArray();

    public HttpClient CreateClient(string name)
    {
        _names.Enqueue(name);
        return new HttpClient(_handler, disposeHandler: false) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public void Dispose() => _handler.Dispose();
}

/// <summary>A logger that keeps what was logged, so a test can check event ids and that no secret was written.</summary>
public sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(int EventId, string Message)> _entries = new();

    public IReadOnlyList<(int EventId, string Message)> Entries => _entries.ToArray();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((eventId.Id, formatter(state, exception)));
}
