using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Channels;

/// <summary>Registers the email, LINE and webhook channels with their options, HTTP clients and retry rules.</summary>
public static class ChannelsServiceCollectionExtensions
{
    /// <summary>How long one HTTP request of a channel may take at most (the retry policy's attempt timeout is shorter).</summary>
    public static readonly TimeSpan HttpClientTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Binds and validates at start the "SendGrid", "Line" and "Webhook" sections; registers a named
    /// <see cref="HttpClient"/> per provider, a <see cref="RetryPolicy"/>, the provider clients, and one
    /// <see cref="IChannel"/> per medium (email, LINE, webhook): the provider's channel when it is configured,
    /// otherwise a <see cref="RecordingChannel"/>.
    /// </summary>
    /// <remarks>
    /// The clients ask the factory for their named client on every send, so handlers are rotated as the factory intends.
    /// A <see cref="TimeProvider"/> registered before this call is used for retries and signature ages.
    /// </remarks>
    public static IServiceCollection AddScenarioEngineChannels(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<SendGridOptions>().Bind(configuration.GetSection(SendGridOptions.SectionName))
            .Validate(o => o.WebhookPublicKey.Length == 0 || SendGridEventWebhook.IsValidKey(o.WebhookPublicKey),
                "SendGrid:WebhookPublicKey is not a base64 ECDSA P-256 public key.")
            .ValidateOnStart();
        services.AddOptions<LineOptions>().Bind(configuration.GetSection(LineOptions.SectionName));
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName))
            .Validate(o => o.Url.Length == 0 || WebhookOptions.IsHttpUrl(o.Url, out _), "Webhook:Url must be an absolute http(s) URL.")
            .Validate(o => o.Url.Length == 0 || o.Secret.Length >= WebhookOptions.MinimumSecretLength,
                $"Webhook:Secret needs at least {WebhookOptions.MinimumSecretLength} characters when Webhook:Url is set.")
            .ValidateOnStart();

        foreach (var name in new[] { SendGridEmailClient.HttpClientName, LineClient.HttpClientName, WebhookClient.HttpClientName })
        {
            services.AddHttpClient(name, client => client.Timeout = HttpClientTimeout);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new RetryPolicy(
            timeProvider: sp.GetRequiredService<TimeProvider>(),
            logger: (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<RetryPolicy>()));
        services.TryAddSingleton(sp => new SendGridEmailClient(
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<IOptions<SendGridOptions>>().Value, sp.GetRequiredService<RetryPolicy>()));
        services.TryAddSingleton(sp => new LineClient(
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<IOptions<LineOptions>>().Value, sp.GetRequiredService<RetryPolicy>()));
        services.TryAddSingleton(sp => new WebhookClient(
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<IOptions<WebhookOptions>>().Value, sp.GetRequiredService<RetryPolicy>()));

        services.AddSingleton<IChannel>(sp => sp.GetRequiredService<IOptions<SendGridOptions>>().Value is { ApiKey.Length: > 0 } sendGrid
            ? new SendGridEmailChannel(sp.GetRequiredService<SendGridEmailClient>(), sendGrid, sp.GetRequiredService<TimeProvider>())
            : new RecordingChannel(Medium.Email));
        services.AddSingleton<IChannel>(sp => sp.GetRequiredService<IOptions<LineOptions>>().Value.ChannelAccessToken.Length > 0
            ? new LineChannel(sp.GetRequiredService<LineClient>(), sp.GetRequiredService<TimeProvider>())
            : new RecordingChannel(Medium.Line));
        services.AddSingleton<IChannel>(sp => sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Url.Length > 0
            ? new WebhookChannel(sp.GetRequiredService<WebhookClient>(), sp.GetRequiredService<TimeProvider>())
            : new RecordingChannel(Medium.Webhook));
        return services;
    }
}
