using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Api;
using ScenarioEngine.Api.Jobs;
using ScenarioEngine.Functions.Http;
using ScenarioEngine.Functions.Queues;
using ScenarioEngine.Functions.Timers;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Functions.Tests;

/// <summary>
/// The Functions app's services, registered as its Program.cs registers them, on the in-memory store, without the Functions host
/// (which cannot run here). The function classes are created from them and called directly, as the worker would call them.
/// </summary>
internal sealed class FunctionsApp : IAsyncDisposable
{
    public const string EventsKey = "test-events-key-0123456789";
    public const string AdminKey = "test-admin-key-0123456789";

    private readonly WebApplication _app;

    private FunctionsApp(WebApplication app, LogRecorder logs)
    {
        _app = app;
        Logs = logs;
    }

    public IServiceProvider Services => _app.Services;

    public LogRecorder Logs { get; }

    public JourneyEngine Engine => Services.GetRequiredService<JourneyEngine>();

    public ApiFunctions Api => ActivatorUtilities.CreateInstance<ApiFunctions>(Services);

    public QueueFunctions Queues => ActivatorUtilities.CreateInstance<QueueFunctions>(Services);

    public JobFunctions Jobs => ActivatorUtilities.CreateInstance<JobFunctions>(Services);

    /// <summary>The Durable Task client the functions are bound with here: these calls start, raise and terminate nothing, so any call on it fails the test.</summary>
    public static DurableTaskClient Client { get; } = new Moq.Mock<DurableTaskClient>(Moq.MockBehavior.Strict, "unused").Object;

    /// <summary>The app with these settings over the defaults of <see cref="StandaloneHost.Settings"/>; initialized as the startup middleware would.</summary>
    public static async Task<FunctionsApp> StartAsync(IDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        // A web application builder gives the services the worker's ASP.NET Core integration registers (routing, diagnostics).
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(StandaloneHost.Settings());
        // Journeys must not depend on the wall clock here: the send policy is tested on its own.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Engine:QuietHours"] = "", ["Engine:Caps"] = "" });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var logs = new LogRecorder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddScenarioEngine(builder.Configuration, workers: false, HostMode.Functions);
        builder.Services.AddScenarioEngineFunctions();
        var app = builder.Build();
        await app.Services.GetRequiredService<EngineStartup>().EnsureInitializedAsync();
        return new FunctionsApp(app, logs);
    }

    /// <summary>A request as the worker's ASP.NET Core integration hands it to an HTTP function.</summary>
    public HttpRequest Request(string method, string path, string? key = null, string? json = null)
    {
        var context = new DefaultHttpContext { RequestServices = Services.CreateScope().ServiceProvider };
        context.Request.Method = method;
        var query = path.IndexOf('?', StringComparison.Ordinal);
        context.Request.Path = query < 0 ? path : path[..query];
        context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(path[query..]);
        if (key is not null)
        {
            context.Request.Headers["X-Api-Key"] = key;
        }

        if (json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
        }

        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    /// <summary>The status and body an HTTP function wrote.</summary>
    public static (int Status, string Body) Response(HttpRequest request)
    {
        var body = request.HttpContext.Response.Body;
        body.Position = 0;
        return (request.HttpContext.Response.StatusCode, new StreamReader(body).ReadToEnd());
    }

    /// <summary>Takes the next message of a queue, as the queue trigger does (the host has already decoded its Base64).</summary>
    public async Task<QueueItem> TakeAsync(string queue)
    {
        var items = await Services.GetRequiredService<IQueueFactory>().Get(queue).ReceiveAsync(1, TimeSpan.FromMinutes(5));
        return Assert.Single(items);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>A clock standing still at one instant.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>Keeps every log entry (event id and text) written through the app's loggers.</summary>
internal sealed class LogRecorder : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(int Id, string Text)> _entries = new();

    public IReadOnlyList<(int Id, string Text)> Entries => _entries.ToList();

    public ILogger CreateLogger(string categoryName) => new Recorder(_entries);

    public void Dispose()
    {
    }

    private sealed class Recorder(System.Collections.Concurrent.ConcurrentQueue<(int Id, string Text)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue((eventId.Id, formatter(state, exception)));
            }
        }
    }
}
