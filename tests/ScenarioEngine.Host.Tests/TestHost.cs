using ScenarioEngine.Api;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Host.Hosting;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>The real host, in process, on 127.0.0.1 and a free port, with real HTTP clients for each API key.</summary>
public sealed class TestHost : IAsyncDisposable
{
    public const string EventsKey = "test-events-key-0123456789";
    public const string AdminKey = "test-admin-key-0123456789";

    private TestHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Admin = Client(AdminKey);
        Events = Client(EventsKey);
        Anonymous = Client(null);
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    /// <summary>A client sending the admin key.</summary>
    public HttpClient Admin { get; }

    /// <summary>A client sending the events key.</summary>
    public HttpClient Events { get; }

    /// <summary>A client sending no key.</summary>
    public HttpClient Anonymous { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>The recording channel of a medium.</summary>
    public RecordingChannel Recorded(string medium) => Services.GetRequiredService<ChannelSet>().Recording(medium)!;

    /// <summary>Settings for one test: unique tables, queues and task hub, fast polling, the test keys.</summary>
    public static Dictionary<string, string?> Settings(string storage, string? prefix = null)
    {
        prefix ??= "t" + Guid.NewGuid().ToString("N")[..10];
        return new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage,
            ["Engine:CustomersTable"] = prefix + "customers",
            ["Engine:DefinitionsTable"] = prefix + "definitions",
            ["Engine:AuditTable"] = prefix + "audit",
            ["Journeys:Tables:SendingTable"] = prefix + "sending",
            ["Engine:QueuePrefix"] = prefix,
            // Hosts with other tables must not run each other's orchestrations (their catalogs differ).
            ["Journeys:TaskHubName"] = prefix + "hub",
            ["Engine:EventQueueCount"] = "2",
            ["Engine:IdlePollDelay"] = "00:00:00.200",
            ["Engine:VisibilityTimeout"] = "00:00:30",
            // Routing tests must not depend on the wall clock: the send policy is tested on its own.
            ["Engine:QuietHours"] = "",
            ["Engine:Caps"] = "",
            ["ApiKeys:Events"] = EventsKey,
            ["ApiKeys:Admin"] = AdminKey,
        };
    }

    /// <summary>Memory-store settings.</summary>
    public static Dictionary<string, string?> Memory() => Settings("memory");

    /// <summary>
    /// Starts a host with these settings; <paramref name="configureBuilder"/> may replace services or add logging, and
    /// <paramref name="configure"/> may map more endpoints before it starts.
    /// </summary>
    public static async Task<TestHost> StartAsync(ITestOutputHelper output, IDictionary<string, string?> settings, Action<WebApplication>? configure = null,
        Action<WebApplicationBuilder>? configureBuilder = null)
    {
        var builder = ScenarioEngineApp.CreateBuilder([], settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new TestOutputLoggerProvider(output));
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configureBuilder?.Invoke(builder);
        var app = ScenarioEngineApp.Build(builder);
        configure?.Invoke(app);
        await ScenarioEngineApp.InitializeAsync(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestHost(app, new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)));
    }

    /// <summary>A new client sending <paramref name="key"/> (another named key); the caller disposes it.</summary>
    public HttpClient ClientWithKey(string key) => Client(key);

    private HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Events.Dispose();
        Anonymous.Dispose();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await App.StopAsync(cts.Token);
        await App.DisposeAsync();
    }

    // ------------------------------------------------------------------ helpers used by the tests

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("empty body");
    }

    /// <summary>PUTs a message and a journey draft, then publishes it; fails the test on any error.</summary>
    public async Task PublishAsync(string journeyJson, params string[] messageJsons)
    {
        foreach (var m in messageJsons)
        {
            var id = JsonNode.Parse(m)!["id"]!.GetValue<string>();
            var put = await Admin.PutAsync($"/api/messages/{id}", Json(m));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var journeyId = JsonNode.Parse(journeyJson)!["id"]!.GetValue<string>();
        var draft = await Admin.PutAsync($"/api/journeys/{journeyId}/draft", Json(journeyJson));
        Assert.True(draft.IsSuccessStatusCode, await draft.Content.ReadAsStringAsync());
        var publish = await Admin.PostAsync($"/api/journeys/{journeyId}/publish", null);
        Assert.True(publish.IsSuccessStatusCode, await publish.Content.ReadAsStringAsync());
    }

    /// <summary>Posts events with the events key and returns the accepted ids.</summary>
    public async Task<IReadOnlyList<string>> PostEventsAsync(string json)
    {
        var response = await Events.PostAsync("/api/events", Json(json));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, body);
        return JsonNode.Parse(body)!["ids"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(100);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) => WaitUntilAsync(() => Task.FromResult(condition()), timeout, what);

    public static string Now(int plusSeconds = 0) => DateTimeOffset.UtcNow.AddSeconds(plusSeconds).ToString("O");

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);
}

/// <summary>Writes logs to the test's output, so a failure explains itself.</summary>
public sealed class TestOutputLoggerProvider(ITestOutputHelper output) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new OutputLogger(output, categoryName);

    public void Dispose()
    {
    }

    private sealed class OutputLogger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; xunit refuses late output.
            }
        }
    }
}
