using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Channels.Tests;

public sealed class ChannelsServiceCollectionExtensionsTests : IAsyncLifetime
{
    private readonly LoopbackServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? more = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddScenarioEngineChannels(configuration);
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddScenarioEngineChannels_NothingConfigured_RecordsEveryMedium()
    {
        using var provider = Build([]);

        var channels = provider.GetServices<IChannel>().ToList();

        Assert.All(channels, c => Assert.IsType<RecordingChannel>(c));
        Assert.Equal(["email", "line", "webhook"], channels.Select(c => c.Medium));
    }

    [Fact]
    public void AddScenarioEngineChannels_ProvidersConfigured_GivesTheirChannels()
    {
        using var provider = Build(new()
        {
            ["SendGrid:ApiKey"] = "SG.key",
            ["Line:ChannelAccessToken"] = "line-token",
            ["Webhook:Url"] = "https://hooks.example/in",
            ["Webhook:Secret"] = "0123456789abcdef",
        });

        var channels = provider.GetServices<IChannel>().ToList();

        Assert.IsType<SendGridEmailChannel>(channels[0]);
        Assert.IsType<LineChannel>(channels[1]);
        Assert.IsType<WebhookChannel>(channels[2]);
    }

    [Fact]
    public async Task AddScenarioEngineChannels_EmailChannel_SendsThroughTheNamedHttpClientWithTheDefaultSender()
    {
        _server.Enqueue(new ScriptedResponse(202, Headers: new Dictionary<string, string> { ["X-Message-Id"] = "sg-1" }));
        using var provider = Build(
            new() { ["SendGrid:ApiKey"] = "SG.key", ["SendGrid:From"] = "Shop <hello@shop.example>" },
            services => services.AddHttpClient(SendGridEmailClient.HttpClientName, c => c.BaseAddress = _server.BaseAddress));
        var email = provider.GetServices<IChannel>().First();
        var profile = new CustomerProfile("c1") { Attributes = { ["email"] = Value.From("mai@example.jp") } };
        var message = new OutboundMessage("c1", "email", "m", "key-1", "j", "s", new Dictionary<string, string> { ["subject"] = "Hi", ["text"] = "Hello" }, profile);

        var result = await email.SendAsync(message);

        Assert.Equal(new Delivered("sg-1"), result);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("Bearer SG.key", request.Header("Authorization"));
        Assert.Equal("hello@shop.example", request.Json["from"]!["email"]!.GetValue<string>());
        Assert.Equal("key-1", request.Json["custom_args"]!["outbox_id"]!.GetValue<string>());
        Assert.Equal(ChannelsServiceCollectionExtensions.HttpClientTimeout,
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(SendGridEmailClient.HttpClientName).Timeout);
    }

    [Theory]
    [InlineData("Webhook:Url", "https://hooks.example/in", "Webhook:Secret")]
    [InlineData("Webhook:Url", "ftp://hooks.example/in", "Webhook:Url")]
    [InlineData("SendGrid:WebhookPublicKey", "not-a-key", "SendGrid:WebhookPublicKey")]
    public void AddScenarioEngineChannels_InvalidSetting_FailsNamingIt(string key, string value, string named)
    {
        using var provider = Build(new() { [key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = provider.GetRequiredService<IOptions<SendGridOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<WebhookOptions>>().Value;
        });

        Assert.Contains(ex.Failures, f => f.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void AddScenarioEngineChannels_ValidatesOnStart()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Webhook:Url"] = "https://x.example/" }).Build();
        var services = new ServiceCollection().AddScenarioEngineChannels(configuration);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.Contains("Webhook:Secret", StringComparison.Ordinal));
    }
}
