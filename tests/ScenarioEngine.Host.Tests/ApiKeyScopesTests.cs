using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Endpoints;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>Scopes on every endpoint, named keys, the compatible ApiKeys:Events / ApiKeys:Admin settings, and rotation by configuration reload.</summary>
public sealed class ApiKeyScopesTests(ITestOutputHelper output)
{
    private const string ReaderKey = "test-reader-key-0123456789";
    private const string WriterKey = "test-writer-key-0123456789";
    private const string PublisherKey = "test-publisher-key-0123456789";
    private const string Message = """{ "id": "m1", "email": { "subject": "Hi", "text": "Hi" } }""";

    private static Dictionary<string, string?> NamedKeys()
    {
        var settings = TestHost.Memory();
        settings["ApiKeys:Keys:viewer:Key"] = ReaderKey;
        settings["ApiKeys:Keys:viewer:Scopes"] = "read";
        settings["ApiKeys:Keys:editor:Key"] = WriterKey;
        settings["ApiKeys:Keys:editor:Scopes"] = "read, write";
        settings["ApiKeys:Keys:ops:Key"] = PublisherKey;
        settings["ApiKeys:Keys:ops:Scopes"] = "publish";
        return settings;
    }

    [Fact]
    public async Task Endpoints_EveryOneHasAScopeOrIsOpenOnPurpose_AndEveryGetNeedsRead()
    {
        await using var host = await TestHost.StartAsync(output, TestHost.Memory());
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.True(
            e.Metadata.GetMetadata<RequiredScope>() is not null ^ e.Metadata.GetMetadata<OpenEndpoint>() is not null,
            $"{e.DisplayName} must carry exactly one of RequireScope or AllowAnonymousKey"));
        var open = endpoints.Where(e => e.Metadata.GetMetadata<OpenEndpoint>() is not null).Select(Name).Order().ToList();
        Assert.Equal(["GetHealth", "GetOpenApiDocument", "SendGridWebhook"], open);
        Assert.All(endpoints.Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Contains("GET") && e.Metadata.GetMetadata<RequiredScope>() is not null),
            e => Assert.Equal(ApiScope.Read, e.Metadata.GetMetadata<RequiredScope>()!.Scope));
    }

    [Fact]
    public async Task NamedKeys_EachKeyReachesOnlyItsScopes()
    {
        await using var host = await TestHost.StartAsync(output, NamedKeys());
        using var reader = host.ClientWithKey(ReaderKey);
        using var writer = host.ClientWithKey(WriterKey);
        using var publisher = host.ClientWithKey(PublisherKey);

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/messages")).StatusCode);
        var refused = await reader.PutAsync("/api/messages/m1", TestHost.Json(Message));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("needs the write scope; the key 'viewer' holds read", (await TestHost.ReadAsync(refused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/api/events", TestHost.Json(TestDocuments.Purchase("c1", "p1")))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await writer.PutAsync("/api/messages/m1", TestHost.Json(Message))).StatusCode);
        foreach (var m in TestDocuments.FollowUpMessages)
        {
            Assert.Equal(HttpStatusCode.OK, (await writer.PutAsync($"/api/messages/{System.Text.Json.Nodes.JsonNode.Parse(m)!["id"]}", TestHost.Json(m))).StatusCode);
        }

        var draft = await writer.PutAsync("/api/journeys/e2e-follow-up/draft", TestHost.Json(TestDocuments.FollowUpJourney));
        Assert.True(draft.IsSuccessStatusCode, await draft.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await writer.PostAsync("/api/journeys/e2e-follow-up/publish", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await publisher.GetAsync("/api/journeys")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await publisher.PostAsync("/api/journeys/e2e-follow-up/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await publisher.PostAsync("/api/journeys/e2e-follow-up/pause", null)).StatusCode);
    }

    [Fact]
    public async Task LegacySettings_AdminHoldsReadWritePublish_EventsOnlyEvents()
    {
        await using var host = await TestHost.StartAsync(output, TestHost.Memory());

        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PutAsync("/api/messages/m1", TestHost.Json(Message))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PostAsync("/api/system/catalog/reload", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Events.GetAsync("/api/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await host.Events.PostAsync("/api/events", TestHost.Json(TestDocuments.Purchase("c1", "p1")))).StatusCode);
    }

    [Theory]
    [InlineData("ApiKeys:Keys:x:Scopes", "read,delete", "ApiKeys:Keys:x:Scopes has unknown scope(s) 'delete'")]
    [InlineData("ApiKeys:Keys:x:Key", "short", "ApiKeys:Keys:x:Key: every API key needs at least 16 characters")]
    [InlineData("ApiKeys:Keys:x:Key", TestHost.AdminKey, "more than once, in ApiKeys:Admin and ApiKeys:Keys:x:Key")]
    [InlineData("ApiKeys:Keys:x:Scopes", "", "ApiKeys:Keys:x:Scopes is not set")]
    public async Task Start_BadNamedKey_FailsNamingTheSetting(string setting, string value, string expected)
    {
        var settings = TestHost.Memory();
        settings["ApiKeys:Keys:x:Key"] = "test-x-key-0123456789";
        settings["ApiKeys:Keys:x:Scopes"] = "read";
        settings[setting] = value;

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(output, settings));

        Assert.Contains(ex.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_OnlyNamedKeys_Starts()
    {
        var settings = NamedKeys();
        settings["ApiKeys:Events"] = "";
        settings["ApiKeys:Admin"] = "";
        settings["ApiKeys:Keys:shop:Key"] = "test-shop-key-0123456789";
        settings["ApiKeys:Keys:shop:Scopes"] = "events";

        await using var host = await TestHost.StartAsync(output, settings);
        using var shop = host.ClientWithKey("test-shop-key-0123456789");

        Assert.Equal(HttpStatusCode.Accepted, (await shop.PostAsync("/api/events", TestHost.Json(TestDocuments.Purchase("c1", "p1")))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Admin.GetAsync("/api/messages")).StatusCode);
    }

    [Fact]
    public async Task Reload_KeyAddedAndOldRemoved_AppliesWithoutRestart()
    {
        var source = new ReloadableSource(new Dictionary<string, string?>());
        await using var host = await TestHost.StartAsync(output, TestHost.Memory(), configureBuilder: b => ((IConfigurationBuilder)b.Configuration).Add(source));
        using var rotated = host.ClientWithKey("test-rotated-admin-0123456789");
        Assert.Equal(HttpStatusCode.Unauthorized, (await rotated.GetAsync("/api/messages")).StatusCode);

        source.Provider.Replace(new Dictionary<string, string?> { ["ApiKeys:Admin"] = "test-rotated-admin-0123456789" });

        Assert.Equal(HttpStatusCode.OK, (await rotated.GetAsync("/api/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Admin.GetAsync("/api/messages")).StatusCode);
    }

    [Fact]
    public async Task Reload_InvalidKeys_KeepsTheKeysInForce()
    {
        var source = new ReloadableSource(new Dictionary<string, string?>());
        await using var host = await TestHost.StartAsync(output, TestHost.Memory(), configureBuilder: b => ((IConfigurationBuilder)b.Configuration).Add(source));

        source.Provider.Replace(new Dictionary<string, string?> { ["ApiKeys:Admin"] = "short" });

        Assert.Equal(HttpStatusCode.OK, (await host.Admin.GetAsync("/api/messages")).StatusCode);
    }

    private static string Name(Endpoint e) => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName;
}
