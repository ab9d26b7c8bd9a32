using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScenarioEngine.Analytics;
using ScenarioEngine.Api.Audit;
using ScenarioEngine.Api.Catalog;
using ScenarioEngine.Api.Endpoints;
using ScenarioEngine.Api.Jobs;
using ScenarioEngine.Api.Reports;
using ScenarioEngine.Api.Security;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Channels;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Storage;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Integration;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Journeys.Storage.Simulation;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Storage.Azure;
using ScenarioEngine.Storage.Azure.ServiceBus;

namespace ScenarioEngine.Api;

/// <summary>The engine's and the API's service registration and endpoint mapping, shared by every host.</summary>
public static class ScenarioEngineServices
{
    /// <summary>
    /// Registers options, storage, the engine, channels, the scheduled jobs, the catalog refresher and the HTTP services: everything
    /// the API and the jobs need, whichever host runs them. <paramref name="workers"/> says whether this process also runs the queue
    /// workers and jobs as hosted services; <paramref name="host"/> is <see cref="HostMode.Standalone"/> or <see cref="HostMode.Functions"/>.
    /// </summary>
    public static IServiceCollection AddScenarioEngine(this IServiceCollection services, IConfiguration config, bool workers, string host)
    {

        services.AddOptions<EngineOptions>().BindConfiguration("Engine")
            .Validate(o => o.EventQueueCount is >= 1 and <= 64, "Engine:EventQueueCount must be 1 to 64.")
            .Validate(o => IsQueueName(o.QueuePrefix), "Engine:QueuePrefix must be lowercase letters, digits and hyphens (1 to 40), starting with a letter.")
            .Validate(o => IsTableName(o.CustomersTable), "Engine:CustomersTable must be 3 to 63 letters and digits, starting with a letter.")
            .Validate(o => o.LeadScoring is null || CanScore(o.LeadScoring),
                "Engine:LeadScoring needs a positive HalfLife (d.hh:mm:ss), a finite HotThreshold and finite PointsByEventType values, each event type once (case-insensitive).")
            .ValidateOnStart();
        services.AddOptions<EngineHostOptions>().BindConfiguration("Engine")
            .Validate(o => IsTableName(o.DefinitionsTable), "Engine:DefinitionsTable must be 3 to 63 letters and digits, starting with a letter.")
            .Validate(o => IsTableName(o.AuditTable), "Engine:AuditTable must be 3 to 63 letters and digits, starting with a letter.")
            .Validate(o => o.IdlePollDelay > TimeSpan.Zero && o.CountsInterval > TimeSpan.Zero && o.ScheduledTriggersInterval > TimeSpan.Zero &&
                           o.CatalogRefreshInterval > TimeSpan.Zero, "Engine intervals must be positive durations (hh:mm:ss).")
            .ValidateOnStart();
        services.AddOptions<PolicySettings>().BindConfiguration("Engine")
            .Validate(o => LocalTime.FindZone(o.DefaultTimeZone) is not null, "Engine:DefaultTimeZone must be an IANA time zone such as Asia/Tokyo.")
            .Validate(o => o.TryGetQuietHours(out _), "Engine:QuietHours must be HH:mm-HH:mm (e.g. 21:00-09:00) or empty.")
            .Validate(o => o.TryGetCaps(out _), "Engine:Caps must be comma-separated medium:max/duration with medium email, line, webhook, postcard or *, e.g. email:1/P1D,*:3/P7D.")
            .Validate(o => o.OverCap is "skip" or "defer", "Engine:OverCap must be skip or defer.")
            .Validate(o => o.AnalyticsInterval > TimeSpan.Zero, "Engine:AnalyticsInterval must be a positive duration (d.hh:mm:ss).")
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<EngineOptions>, ConfigurePolicy>();
        services.AddLiveOptions<ApiKeyOptions>("ApiKeys");
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        services.AddSingleton<ApiKeyRing>();
        services.AddLiveOptions<RateLimitOptions>("RateLimits");
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddApiRateLimiting();
        services.AddOptions<PublishingOptions>().BindConfiguration("Publishing")
            .Validate(o => o.ConfirmAbove >= -1, "Publishing:ConfirmAbove must be a number of customers, 0 (always confirm) or -1 (never).")
            .ValidateOnStart();
        services.AddOptions<TemplateOptions>().BindConfiguration("Templates");
        services.AddOptions<SamplesOptions>().BindConfiguration("Samples");

        var (store, queues, storageKind, connection) = CreateStorage(config);
        services.AddSingleton(new HostMode(storageKind, workers, host));
        if (connection is not null)
        {
            // The standalone host's task hub lives in the same account and reaches it with the same credential.
            services.AddSingleton(connection);
        }

        services.AddSingleton(store);
        services.AddSingleton(queues);
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<Runtime.Engine.Catalog>();
        services.AddSingleton<TemplateRenderer>();
        services.AddSingleton<IMessageRenderer, HandlebarsMessageRenderer>();
        services.AddSingleton<TemplateDataPaths>();
        services.AddSingleton<PublishChecks>();
        services.AddSingleton(sp => new PublishForecaster(sp.GetRequiredService<IRowStore>(), sp.GetRequiredService<IOptions<EngineOptions>>().Value));
        services.AddSingleton<DefinitionStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<CustomerReports>();
        services.AddScenarioEngineChannels(config);
        services.AddSingleton<SampleLoader>();
        services.AddSingleton<EngineStartup>();
        services.AddSingleton<ScheduledJobs>();
        services.AddHostedService<CatalogRefresher>();
        services.AddSingleton(CreateChannels);
        services.AddSingleton(sp =>
        {
            var key = sp.GetRequiredService<IOptions<SendGridOptions>>().Value.WebhookPublicKey;
            return new WebhookVerifiers(key.Length == 0
                ? null
                : new SendGridEventWebhook(key, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SendGridEventWebhook>>()));
        });
        services.AddServiceBusIntegrationEvents();
        services.AddJourneyPorts();
        services.AddSingleton(sp => new JourneyEngine(
            sp.GetRequiredService<IRowStore>(), sp.GetRequiredService<IQueueFactory>(), sp.GetRequiredService<Runtime.Engine.Catalog>(),
            sp.GetRequiredService<IJourneyInstances>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<EngineOptions>>().Value, sp.GetRequiredService<IIntegrationEvents>(), sp.GetRequiredService<ILogger<JourneyEngine>>(),
            sp.GetRequiredService<RecentRows>()));

        services.AddProblemDetails();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new ValueJsonConverter());
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        return services;
    }

    /// <summary>
    /// The middleware every host runs around the API's endpoints, once the endpoint is chosen (after UseRouting standalone; the
    /// Functions app selects the endpoint of the function invoked): problem details for unhandled errors and bare status codes, then
    /// the API-key check of the endpoint's <see cref="RequiredScope"/>, then the rate limit per key. Middleware that must apply to the API
    /// in both hosts goes here.
    /// </summary>
    public static IApplicationBuilder UseScenarioEngineApi(this IApplicationBuilder app)
    {
        app.UseSecurityHeaders();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Maps every API endpoint (under /api) and the OpenAPI document; every endpoint has a name, the Functions app's function name.</summary>
    public static IEndpointRouteBuilder MapScenarioEngineApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/api/openapi/{documentName}.json").WithName("GetOpenApiDocument").AllowAnonymousKey();
        app.MapSystemEndpoints();
        app.MapEventsEndpoints();
        app.MapCustomersEndpoints();
        app.MapJourneysEndpoints();
        app.MapPublishPreviewEndpoints();
        app.MapMessagesEndpoints();
        app.MapSegmentsEndpoints();
        app.MapReportsEndpoints();
        app.MapWebhooksEndpoints();
        app.MapPostcardsEndpoints();
        app.MapAuditEndpoints();
        return app;
    }

    /// <summary>
    /// Options bound once from <paramref name="section"/> and validated at start, without a change-token source (a validated
    /// IOptionsMonitor would throw inside the configuration reload); <see cref="LiveOptions{T}"/> follows the reloads.
    /// </summary>
    private static OptionsBuilder<T> AddLiveOptions<T>(this IServiceCollection services, string section) where T : class, new()
    {
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<LiveOptions<T>>(sp, section));
        return services.AddOptions<T>().Configure<IConfiguration>((o, c) => c.GetSection(section).Bind(o)).ValidateOnStart();
    }

    private static (IRowStore Store, IQueueFactory Queues, string Kind, StorageConnection? Connection) CreateStorage(IConfiguration config)
    {
        if (string.Equals(config[HostSettings.Storage]?.Trim(), HostSettings.MemoryStorage, StringComparison.OrdinalIgnoreCase))
        {
            return (new InMemoryRowStore(), new InMemoryQueueFactory(TimeProvider.System), HostSettings.MemoryStorage, null);
        }

        // A connection string, or AzureWebJobsStorage__accountName (or the service URIs) for Microsoft Entra ID, as the Functions host reads it.
        var connection = StorageConnection.FromConfiguration(config, HostSettings.Storage);
        var clients = StorageClients.FromConnection(connection);
        return (clients.CreateRowStore(), clients.CreateQueueFactory(), "azure", connection);
    }

    /// <summary>The email, LINE and webhook channels from <see cref="ChannelsServiceCollectionExtensions.AddScenarioEngineChannels"/>, and the postcard batches.</summary>
    private static ChannelSet CreateChannels(IServiceProvider sp) =>
        new(
        [
            .. sp.GetServices<IChannel>(),
            new PostcardBatchChannel(sp.GetRequiredService<IRowStore>(), sp.GetRequiredService<IOptions<EngineHostOptions>>().Value.DefinitionsTable,
                sp.GetRequiredService<IOptions<EngineOptions>>().Value.Machine.DefaultTimeZone, sp.GetRequiredService<TimeProvider>()),
        ]);

    private static bool CanScore(LeadScoringOptions options)
    {
        try
        {
            _ = new LeadScorer(options);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsQueueName(string? prefix) =>
        prefix is { Length: >= 1 and <= 40 } && char.IsAsciiLetterLower(prefix[0]) && prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && !prefix.Contains("--", StringComparison.Ordinal);

    private static bool IsTableName(string? name) =>
        name is { Length: >= 3 and <= 63 } && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);
}
