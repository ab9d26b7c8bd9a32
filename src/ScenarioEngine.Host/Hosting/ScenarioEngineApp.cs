using ScenarioEngine.Journeys.AzureStorage;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Api;
using ScenarioEngine.Api.Jobs;

namespace ScenarioEngine.Host.Hosting;

/// <summary>Builds, initializes and runs the standalone host: the same code locally, in containers and in tests.</summary>
public static class ScenarioEngineApp
{
    /// <summary>A builder with every service registered; <paramref name="overrides"/> win over every other configuration source.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        AddScenarioEngine(builder);
        return builder;
    }

    /// <summary>Registers the engine and the API (<see cref="ScenarioEngineServices.AddScenarioEngine"/>) and, when this process runs them, the workers.</summary>
    public static void AddScenarioEngine(WebApplicationBuilder builder)
    {
        var workers = builder.Configuration.GetValue("Engine:Workers", true);
        builder.Services.AddScenarioEngine(builder.Configuration, workers, HostMode.Standalone);
        builder.Services.AddOptions<AzureStorageJourneyBackendOptions>().BindConfiguration("Journeys");
        builder.Services.AddSingleton<JourneyBackendService>();
        builder.Services.AddSingleton<IJourneyInstances>(sp => sp.GetRequiredService<JourneyBackendService>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JourneyBackendService>());
        if (workers)
        {
            builder.Services.AddHostedService<EventQueueWorkers>();
            builder.Services.AddHostedService<ScheduledJobWorkers>();
        }
    }

    /// <summary>Builds the app and maps the middleware and every endpoint.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseRouting();
        app.UseScenarioEngineApi();

        // The dashboard's files at / (after the API's security headers, which keep its page policy), and index.html for the
        // app's own paths; the Functions app serves only the API, the dashboard is deployed beside it as static files.
        app.UseDashboard();
        app.UseDashboardFallback();
        app.MapScenarioEngineApi();
        return app;
    }

    /// <summary>Creates tables and queues, loads the catalog and, when asked, the samples (<see cref="EngineStartup"/>); call before starting the app.</summary>
    public static Task InitializeAsync(WebApplication app, CancellationToken cancellationToken = default) =>
        app.Services.GetRequiredService<EngineStartup>().EnsureInitializedAsync(cancellationToken);

    /// <summary>Builds, initializes and runs until shutdown (Program.Main).</summary>
    public static async Task RunAsync(string[] args)
    {
        var app = Build(CreateBuilder(args));
        await InitializeAsync(app).ConfigureAwait(false);
        await app.RunAsync().ConfigureAwait(false);
    }
}
