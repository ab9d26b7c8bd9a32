using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Journeys.AzureStorage;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>Stopping the standalone host when its storage is already gone (run.sh stopped Azurite first, or the account is unreachable).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class HostStopTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Stop_TaskHubStorageGone_StopsWithinTheShutdownTimeoutAndLogs4021()
    {
        // Arrange: a host on Azurite whose task-hub clients then find storage gone; a 3 s shutdown timeout.
        var gone = new StorageGonePolicy();
        var events = new EventIds();
        var host = await TestHost.StartAsync(output, TestHost.Settings(azurite.ConnectionString), configureBuilder: b =>
        {
            b.Services.Configure<AzureStorageJourneyBackendOptions>(o => o.ConfigureClientOptions = gone.AddTo);
            b.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
            b.Logging.AddProvider(events);
        });
        gone.Refuse = true;

        // Act
        var stop = host.DisposeAsync().AsTask();
        var first = await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(60)));

        // Assert: without the bound the Durable Task worker retries its lease writes and the host never stops.
        Assert.Same(stop, first);
        await stop;
        Assert.Contains(4021, events.Logged);
    }

    private sealed class EventIds : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<int> _logged = new();

        public IReadOnlyCollection<int> Logged => _logged;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _logged.Enqueue(eventId.Id);

        public void Dispose()
        {
        }
    }
}
