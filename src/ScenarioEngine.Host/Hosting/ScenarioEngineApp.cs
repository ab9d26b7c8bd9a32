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
using ScenarioEngine.Host.Api;
using ScenarioEngine.Host.Catalog;
using ScenarioEngine.Host.Reports;
using ScenarioEngine.Host.Settings;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Storage.Azure;

namespace ScenarioEngine.Host.Hosting;

/// <summary>How this process runs: which store, whether it runs the workers, whether the Functions host drives it.</summary>
/// <param name="Storage">"azure" or "memory".</param>
/// <param name="Workers">True when the queue workers and scheduled jobs run here.</param>
/// <param name="CustomHandler">True when started by the Azure Functions host (FUNCTIONS_CUSTOMHANDLER_PORT is set).</param>
public sealed record HostMode(string Storage, bool Workers, bool CustomHandler);

/// <summary>The channels the engine sends through; media without a configured provider get a recording channel.</summary>
public sealed class ChannelSet(IReadOnlyList<IChannel> channels)
{
    /// <summary>Every channel.</summary>
    public IReadOnlyList<IChannel> Channels { get; } = channels;

    /// <summary>The recording channel of a medium, when no provider is configured for it.</summary>
    public RecordingChannel? Recording(string medium) => Channels.OfType<RecordingChannel>().FirstOrDefault(c => c.Medium == medium);
}

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

    /// <summary>Registers options, storage, the engine, channels, workers and the HTTP services.</summary>
    public static void AddScenarioEngine(WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var services = builder.Services;

        services.AddOptions<EngineOptions>().BindConfiguration("Engine")
            .Validate(o => o.EventQueueCount is >= 1 and <= 64, "Engine:EventQueueCount must be 1 to 64.")
            .Validate(o => IsQueueName(o.QueuePrefix), "Engine:QueuePrefix must be lowercase letters, digits and hyphens (1 to 40), starting with a letter.")
            .Validate(o => IsTableName(o.CustomersTable), "Engine:CustomersTable must be 3 to 63 letters and digits, starting with a letter.")
            .Validate(o => o.PartitionCacheSize >= 0, "Engine:PartitionCacheSize must be 0 (off) or a number of customers.")
            .Validate(o => o.LocalDispatchLimit >= 0, "Engine:LocalDispatchLimit must be 0 (off) or a number of messages.")
            .Validate(o => o.EventsPerRound >= 1, "Engine:EventsPerRound must be 1 or more events.")
            .Validate(o => o.LeadScoring is null || CanScore(o.LeadScoring),
                "Engine:LeadScoring needs a positive HalfLife (d.hh:mm:ss), a finite HotThreshold and finite PointsByEventType values, each event type once (case-insensitive).")
            .ValidateOnStart();
        services.AddOptions<EngineHostOptions>().BindConfiguration("Engine")
            .Validate(o => IsTableName(o.DefinitionsTable), "Engine:DefinitionsTable must be 3 to 63 letters and digits, starting with a letter.")
            .Validate(o => o.IdlePollDelay > TimeSpan.Zero && o.SweepInterval > TimeSpan.Zero && o.ScheduledTriggersInterval > TimeSpan.Zero &&
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
        services.AddOptions<ApiKeyOptions>().BindConfiguration("ApiKeys").ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        services.AddOptions<SendGridOptions>().BindConfiguration("SendGrid")
            .Validate(o => o.WebhookPublicKey.Length == 0 || CanVerify(o.WebhookPublicKey), "SendGrid:WebhookPublicKey is not a base64 ECDSA P-256 public key.")
            .ValidateOnStart();
        services.AddOptions<LineOptions>().BindConfiguration("Line");
        services.AddOptions<WebhookOptions>().BindConfiguration("Webhook")
            .Validate(o => o.Url.Length == 0 || (Uri.TryCreate(o.Url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"), "Webhook:Url must be an absolute http(s) URL.")
            .Validate(o => o.Url.Length == 0 || o.Secret.Length >= 16, "Webhook:Secret needs at least 16 characters when Webhook:Url is set.")
            .ValidateOnStart();
        services.AddOptions<TemplateOptions>().BindConfiguration("Templates");
        services.AddOptions<SamplesOptions>().BindConfiguration("Samples");

        var customHandlerPort = config[HostSettings.CustomHandlerPort];
        var customHandler = !string.IsNullOrWhiteSpace(customHandlerPort);
        if (customHandler)
        {
            // The Functions host talks to the handler on loopback only.
            builder.WebHost.UseUrls("http://127.0.0.1:" + int.Parse(customHandlerPort!, NumberStyles.None, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
        }

        var (store, queues, storageKind) = CreateStorage(config[HostSettings.Storage]);
        var workers = config.GetSection("Engine").Get<EngineHostOptions>()?.Workers ?? !customHandler;
        services.AddSingleton(new HostMode(storageKind, workers, customHandler));

        // Handing dispatches to this process's own dispatch pump needs that pump: on by default with in-process workers, never without.
        services.PostConfigure<EngineOptions>(o => o.LocalDispatchLimit = !workers ? 0 : config["Engine:LocalDispatchLimit"] is null ? 10_000 : o.LocalDispatchLimit);
        services.AddSingleton(store);
        services.AddSingleton(queues);
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<Runtime.Engine.Catalog>();
        services.AddSingleton<TemplateRenderer>();
        services.AddSingleton<IMessageRenderer, HandlebarsMessageRenderer>();
        services.AddSingleton<TemplateDataPaths>();
        services.AddSingleton<PublishChecks>();
        services.AddSingleton<DefinitionStore>();
        services.AddSingleton<SampleLoader>();
        services.AddSingleton<CustomerReports>();
        services.AddSingleton(_ => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(60) });
        services.AddSingleton(CreateChannels);
        services.AddSingleton(sp =>
        {
            var key = sp.GetRequiredService<IOptions<SendGridOptions>>().Value.WebhookPublicKey;
            return new WebhookVerifiers(key.Length == 0 ? null : new SendGridEventWebhook(new SendGridEventWebhookOptions { VerificationKey = key }, sp.GetRequiredService<TimeProvider>()));
        });
        services.AddSingleton(sp => new JourneyEngine(
            sp.GetRequiredService<IRowStore>(), sp.GetRequiredService<IQueueFactory>(), sp.GetRequiredService<Runtime.Engine.Catalog>(),
            sp.GetRequiredService<ChannelSet>().Channels, sp.GetRequiredService<IMessageRenderer>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<EngineOptions>>().Value));

        services.AddHostedService<CatalogRefresher>();
        if (workers)
        {
            services.AddHostedService<EngineWorkers>();
        }

        services.AddProblemDetails();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new ValueJsonConverter());
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
    }

    /// <summary>Builds the app and maps the middleware and every endpoint.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseMiddleware<ApiKeyMiddleware>();

        // Under /api so the Functions host forwards it too.
        app.MapOpenApi("/api/openapi/{documentName}.json");
        app.MapSystemEndpoints();
        app.MapEventsEndpoints();
        app.MapCustomersEndpoints();
        app.MapJourneysEndpoints();
        app.MapMessagesEndpoints();
        app.MapSegmentsEndpoints();
        app.MapReportsEndpoints();
        app.MapWebhooksEndpoints();
        app.MapPostcardsEndpoints();
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

    private static (IRowStore Store, IQueueFactory Queues, string Kind) CreateStorage(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"{HostSettings.Storage} is not set: use \"UseDevelopmentStorage=true\" for Azurite, \"memory\" for the in-memory store, or a storage account connection string.");
        }

        if (string.Equals(connectionString.Trim(), HostSettings.MemoryStorage, StringComparison.OrdinalIgnoreCase))
        {
            return (new InMemoryRowStore(), new InMemoryQueueFactory(TimeProvider.System), HostSettings.MemoryStorage);
        }

        StorageConnectionString parsed;
        try
        {
            parsed = StorageConnectionString.Parse(connectionString);
        }
        catch (FormatException ex)
        {
            // The message names what is wrong, never the key.
            throw new InvalidOperationException($"{HostSettings.Storage} is not a valid connection string: {ex.Message}", ex);
        }

        return (new AzureRowStore(parsed), new AzureQueueFactory(parsed), "azure");
    }

    private static ChannelSet CreateChannels(IServiceProvider sp)
    {
        var http = sp.GetRequiredService<HttpClient>();
        var time = sp.GetRequiredService<TimeProvider>();
        var sendGrid = sp.GetRequiredService<IOptions<SendGridOptions>>().Value;
        var line = sp.GetRequiredService<IOptions<LineOptions>>().Value;
        var webhook = sp.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var retry = new RetryPolicy(timeProvider: time);
        return new ChannelSet(
        [
            sendGrid.ApiKey.Length == 0
                ? new RecordingChannel(Medium.Email)
                : new SendGridEmailChannel(new SendGridClient(http, new SendGridClientOptions { ApiKey = sendGrid.ApiKey }, retry),
                    new SendGridEmailChannelOptions { DefaultFrom = sendGrid.From.Length == 0 ? null : sendGrid.From }, time),
            line.ChannelAccessToken.Length == 0
                ? new RecordingChannel(Medium.Line)
                : new LineChannel(new LineClient(http, new LineClientOptions { ChannelAccessToken = line.ChannelAccessToken }, retry), time),
            webhook.Url.Length == 0
                ? new RecordingChannel(Medium.Webhook)
                : new WebhookChannel(new WebhookClient(http, new WebhookClientOptions { Url = new Uri(webhook.Url), Secret = webhook.Secret }, retry), time),
            new PostcardBatchChannel(sp.GetRequiredService<IRowStore>(), sp.GetRequiredService<IOptions<EngineHostOptions>>().Value.DefinitionsTable,
                sp.GetRequiredService<IOptions<EngineOptions>>().Value.Machine.DefaultTimeZone, time),
        ]);
    }

    private static bool CanVerify(string key)
    {
        try
        {
            _ = new SendGridEventWebhook(new SendGridEventWebhookOptions { VerificationKey = key });
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

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
