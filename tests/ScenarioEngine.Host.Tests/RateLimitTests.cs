using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>Rate limits per key and scope: 429 with Retry-After and problem details, other keys unaffected, reloaded limits applied.</summary>
public sealed class RateLimitTests(ITestOutputHelper output)
{
    private const string ViewerKey = "test-viewer-key-0123456789";

    private static Dictionary<string, string?> Limited(int read)
    {
        var settings = TestHost.Memory();
        settings["ApiKeys:Keys:viewer:Key"] = ViewerKey;
        settings["ApiKeys:Keys:viewer:Scopes"] = "read";
        settings["RateLimits:Window"] = "00:01:00";
        settings["RateLimits:Read"] = read.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    [Fact]
    public async Task Get_OverTheReadLimit_Returns429WithRetryAfter_OtherKeysUnaffected()
    {
        await using var host = await TestHost.StartAsync(output, Limited(2));
        using var viewer = host.ClientWithKey(ViewerKey);

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/journeys")).StatusCode);
        var refused = await viewer.GetAsync("/api/messages");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        var detail = (await TestHost.ReadAsync(refused))["detail"]!.GetValue<string>();
        Assert.Contains("the key 'viewer' made more than 2 read requests", detail, StringComparison.Ordinal);
        Assert.Contains("RateLimits:Read", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.GetAsync("/api/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await host.Events.PostAsync("/api/events", TestHost.Json(TestDocuments.Purchase("c1", "p1")))).StatusCode);
    }

    [Fact]
    public async Task Reload_HigherLimit_AppliesAtOnce()
    {
        var source = new ReloadableSource(new Dictionary<string, string?>());
        await using var host = await TestHost.StartAsync(output, Limited(1), configureBuilder: b => ((IConfigurationBuilder)b.Configuration).Add(source));
        using var viewer = host.ClientWithKey(ViewerKey);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await viewer.GetAsync("/api/messages")).StatusCode);

        source.Provider.Replace(new Dictionary<string, string?> { ["RateLimits:Read"] = "3", ["RateLimits:Window"] = "00:01:00" });

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/messages")).StatusCode);
    }

    [Fact]
    public async Task Start_NegativeLimit_FailsNamingTheSetting()
    {
        var settings = Limited(2);
        settings["RateLimits:Publish"] = "-1";

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(output, settings));

        Assert.Contains(ex.Failures, f => f.Contains("RateLimits:Publish must be 0", StringComparison.Ordinal));
    }
}
