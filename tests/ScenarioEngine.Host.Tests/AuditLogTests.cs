using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Audit;
using ScenarioEngine.Api.Endpoints;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>The audit log: every change a key makes, by key name, queryable through GET /api/audit; on the in-memory store and on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AuditLogTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string EditorKey = "test-editor-key-0123456789";
    private const string OpsKey = "test-ops-key-0123456789";
    private const string ViewerKey = "test-viewer-key-0123456789";

    private static Dictionary<string, string?> WithNamedKeys(Dictionary<string, string?> settings)
    {
        settings["ApiKeys:Keys:editor:Key"] = EditorKey;
        settings["ApiKeys:Keys:editor:Scopes"] = "write";
        settings["ApiKeys:Keys:ops:Key"] = OpsKey;
        settings["ApiKeys:Keys:ops:Scopes"] = "publish";
        settings["ApiKeys:Keys:viewer:Key"] = ViewerKey;
        settings["ApiKeys:Keys:viewer:Scopes"] = "read";
        return settings;
    }

    [Fact]
    public async Task Changes_ByNamedKeys_AreRecordedNewestFirstWithKeyNameKindTargetAndVersion_Memory() =>
        await ChangesAreRecordedAsync(TestHost.Memory());

    [Fact]
    public async Task Changes_ByNamedKeys_AreRecordedNewestFirstWithKeyNameKindTargetAndVersion_Azurite() =>
        await ChangesAreRecordedAsync(TestHost.Settings(azurite.ConnectionString));

    private async Task ChangesAreRecordedAsync(Dictionary<string, string?> settings)
    {
        await using var host = await TestHost.StartAsync(output, WithNamedKeys(settings));
        using var editor = host.ClientWithKey(EditorKey);
        using var ops = host.ClientWithKey(OpsKey);
        using var viewer = host.ClientWithKey(ViewerKey);
        foreach (var m in TestDocuments.FollowUpMessages)
        {
            Assert.Equal(HttpStatusCode.OK, (await editor.PutAsync($"/api/messages/{JsonNode.Parse(m)!["id"]}", TestHost.Json(m))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await editor.PutAsync("/api/journeys/e2e-follow-up/draft", TestHost.Json(TestDocuments.FollowUpJourney))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await editor.PostAsync("/api/journeys/validate", TestHost.Json(TestDocuments.FollowUpJourney))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PostAsync("/api/journeys/no-such/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsync("/api/journeys/e2e-follow-up/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync("/api/journeys/e2e-follow-up/pause", null)).StatusCode);

        var response = await viewer.GetAsync("/api/audit");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(OpsKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(EditorKey, text, StringComparison.Ordinal);
        var entries = JsonNode.Parse(text)!["entries"]!.AsArray();
        Assert.Equal(
            ["ops journey.paused e2e-follow-up", "ops journey.published e2e-follow-up", "editor journey.draftSaved e2e-follow-up",
             "editor message.saved e2e-reviewed", "editor message.saved e2e-follow", "editor message.saved e2e-thanks"],
            entries.Select(e => $"{e!["key"]} {e["kind"]} {e["target"]}"));
        Assert.Equal(1, entries[1]!["version"]!.GetValue<int>());
        Assert.Null(entries[0]!["version"]);

        var byOps = await TestHost.ReadAsync(await viewer.GetAsync("/api/audit?key=ops&kind=journey.published&target=e2e-follow-up"));
        Assert.Single(byOps["entries"]!.AsArray());

        var first = await TestHost.ReadAsync(await viewer.GetAsync("/api/audit?max=4"));
        var next = first["next"]!.GetValue<string>();
        var second = await TestHost.ReadAsync(await viewer.GetAsync($"/api/audit?max=4&after={next}"));
        Assert.Equal(entries.Select(e => e!.ToJsonString()), first["entries"]!.AsArray().Concat(second["entries"]!.AsArray()).Select(e => e!.ToJsonString()));
        Assert.Null(second["next"]);
    }

    [Fact]
    public async Task Query_ByTimeRangeAcrossMonths_PagesNewestFirst()
    {
        var log = new AuditLog(new InMemoryRowStore(), Options.Create(new EngineHostOptions()), TimeProvider.System);
        await log.InitializeAsync();
        var start = new DateTimeOffset(2026, 10, 30, 12, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 6; i++)
        {
            await log.WriteAsync(new AuditEntry(start.AddDays(i), "k", AuditKinds.MessageSaved, "m" + i));
        }

        var page1 = await log.QueryAsync(new AuditQuery(null, null, null, start.AddDays(1), start.AddDays(4), 2, null));
        var page2 = await log.QueryAsync(new AuditQuery(null, null, null, start.AddDays(1), start.AddDays(4), 2, page1.Next));

        Assert.Equal(["m4", "m3"], page1.Entries.Select(e => e.Target));
        Assert.Equal(["m2", "m1"], page2.Entries.Select(e => e.Target));
        Assert.Null(page2.Next);
    }

    [Theory]
    [InlineData("max=0", "max")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "from")]
    [InlineData("after=xyz", "after")]
    public async Task Query_BadParameter_Returns400NamingIt(string query, string field)
    {
        await using var host = await TestHost.StartAsync(output, TestHost.Memory());

        var response = await host.Admin.GetAsync("/api/audit?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains((await TestHost.ReadAsync(response))["errors"]!.AsArray(), e => e!["path"]!.GetValue<string>() == field);
    }

    [Fact]
    public async Task Endpoints_EveryWriteOrPublishEndpointIsAuditedOrSaysItChangesNothing()
    {
        await using var host = await TestHost.StartAsync(output, TestHost.Memory());
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        Assert.All(endpoints.Where(e => e.Metadata.GetMetadata<RequiredScope>()?.Scope is ApiScope.Write or ApiScope.Publish), e => Assert.True(
            e.Metadata.GetMetadata<AuditedChange>() is not null ^ e.Metadata.GetMetadata<NotAChange>() is not null,
            $"{e.DisplayName} changes something with a write or publish key: mark it .Audited(kind, target) or .NotAChange()"));
        Assert.All(endpoints.Where(e => e.Metadata.GetMetadata<RequiredScope>()?.Scope is not (ApiScope.Write or ApiScope.Publish)),
            e => Assert.Null(e.Metadata.GetMetadata<AuditedChange>()));
        Assert.Equal(11, endpoints.Count(e => e.Metadata.GetMetadata<AuditedChange>() is not null));
    }

    [Fact]
    public async Task Erase_And_SystemOperations_AreRecorded()
    {
        await using var host = await TestHost.StartAsync(output, TestHost.Memory());
        await host.PostEventsAsync(TestDocuments.Purchase("c-erase", "p1"));
        await TestHost.WaitUntilAsync(async () => (await host.Admin.GetAsync("/api/customers/c-erase")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "the customer");

        Assert.Equal(HttpStatusCode.OK, (await host.Admin.DeleteAsync("/api/customers/c-erase")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PostAsync("/api/system/catalog/reload", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PostAsync("/api/system/analytics/recompute", null)).StatusCode);

        var entries = (await TestHost.ReadAsync(await host.Admin.GetAsync("/api/audit")))["entries"]!.AsArray();
        Assert.Equal(["admin analytics.recomputed ", "admin catalog.reloaded ", "admin customer.erased c-erase"], entries.Select(e => $"{e!["key"]} {e["kind"]} {e["target"]}"));
    }
}
