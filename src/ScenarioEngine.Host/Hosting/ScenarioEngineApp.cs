using ScenarioEngine.Api;
using ScenarioEngine.Core.Model;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScenarioEngine.Analytics;
using ScenarioEngine.Channels;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Api.Endpoints;
using ScenarioEngine.Api.Catalog;
using ScenarioEngine.Api.Reports;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Storage.Azure;

namespace ScenarioEngine.Host.Hosting;

/// <summary>Builds, initializes and runs the host: the same code standalone, under the Functions host, and in tests.</summary>
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
        var config = builder.Configuration;
        var customHandlerPort = config[HostSettings.CustomHandlerPort];
        var customHandler = !string.IsNullOrWhiteSpace(customHandlerPort);
        if (customHandler)
        {
            // The Functions host talks to the handler on loopback only.
            builder.WebHost.UseUrls("http://127.0.0.1:" + int.Parse(customHandlerPort!, NumberStyles.None, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
        }

        var workers = config.GetSection("Engine").Get<EngineHostOptions>()?.Workers ?? !customHandler;
        builder.Services.AddScenarioEngine(config, workers, customHandler);
        builder.Services.AddSingleton<SampleLoader>();
        builder.Services.AddHostedService<CatalogRefresher>();
        if (workers)
        {
            builder.Services.AddHostedService<EngineWorkers>();
        }
    }

    /// <summary>Builds the app and maps the middleware and every endpoint.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseMiddleware<ApiKeyMiddleware>();

        // Under /api so the Functions host forwards it too.
        app.MapScenarioEngineApi();
        if (app.Services.GetRequiredService<HostMode>().CustomHandler)
        {
            app.MapFunctionsEndpoints();
        }

        return app;
    }

    /// <summary>Creates tables and queues, loads the catalog and, when asked, the samples; call before starting the app.</summary>
    public static async Task InitializeAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        var services = app.Services;
        await services.GetRequiredService<JourneyEngine>().InitializeAsync(cancellationToken).ConfigureAwait(false);
        var definitions = services.GetRequiredService<DefinitionStore>();
        await definitions.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await definitions.ReloadAsync(cancellationToken).ConfigureAwait(false);
        if (services.GetRequiredService<IOptions<SamplesOptions>>().Value.Load)
        {
            await services.GetRequiredService<SampleLoader>().LoadAsync(cancellationToken).ConfigureAwait(false);
        }

        var mode = services.GetRequiredService<HostMode>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ScenarioEngineApp));
        foreach (var channel in services.GetRequiredService<ChannelSet>().Channels)
        {
            Log.ChannelConfigured(logger, channel.Medium, channel is RecordingChannel ? "recorded (no provider configured)" : channel.GetType().Name);
        }

        Log.Started(logger, mode.Storage, mode.Workers, mode.CustomHandler);
    }

    /// <summary>Builds, initializes and runs until shutdown (Program.Main).</summary>
    public static async Task RunAsync(string[] args)
    {
        var app = Build(CreateBuilder(args));
        await InitializeAsync(app).ConfigureAwait(false);
        await app.RunAsync().ConfigureAwait(false);
    }

}
