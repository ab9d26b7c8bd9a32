using System.Text.Json.Nodes;

namespace ScenarioEngine.Functions.Tests;

/// <summary>HTTP functions called directly with the request the ASP.NET Core integration would hand them: each reaches the shared API code.</summary>
public sealed class HttpFunctionTests
{
    private const string Purchase = """{"type":"purchase","customerId":"c1","occurredAt":"2026-01-05T10:00:00Z","properties":{"orderId":"o-1","amount":6800}}""";

    [Fact]
    public async Task PostEvents_WithEventsKey_QueuesTheEventOnTheStore()
    {
        await using var app = await FunctionsApp.StartAsync();
        var request = app.Request("POST", "/api/events", FunctionsApp.EventsKey, Purchase);

        await app.Api.PostEvents(request, FunctionsApp.Client);

        var (status, body) = FunctionsApp.Response(request);
        Assert.Equal(202, status);
        Assert.Equal(1, JsonNode.Parse(body)!["accepted"]!.GetValue<int>());
        var queue = app.Engine.Options.EventQueueFor("c1");
        Assert.Equal(1, await app.Services.GetRequiredService<Runtime.Storage.IQueueFactory>().Get(queue).CountAsync());
    }

    [Fact]
    public async Task PostEvents_WithoutKey_Returns401ProblemAndQueuesNothing()
    {
        await using var app = await FunctionsApp.StartAsync();
        var request = app.Request("POST", "/api/events", json: Purchase);

        await app.Api.PostEvents(request, FunctionsApp.Client);

        var (status, body) = FunctionsApp.Response(request);
        Assert.Equal(401, status);
        Assert.Equal("ApiKey header=\"X-Api-Key\"", request.HttpContext.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal("Send an API key in the X-Api-Key header.", JsonNode.Parse(body)!["detail"]!.GetValue<string>());
        Assert.Equal(0, app.Engine.Metrics.EventsAccepted);
    }

    [Fact]
    public async Task AdminEndpoint_WithEventsKey_Returns403()
    {
        await using var app = await FunctionsApp.StartAsync();
        var request = app.Request("GET", "/api/journeys", FunctionsApp.EventsKey);

        await app.Api.ListJourneys(request, FunctionsApp.Client);

        Assert.Equal(403, FunctionsApp.Response(request).Status);
    }

    [Fact]
    public async Task InvalidEvent_Returns400NamingTheField()
    {
        await using var app = await FunctionsApp.StartAsync();
        var request = app.Request("POST", "/api/events", FunctionsApp.EventsKey, """{"type":"purchase","occurredAt":"2026-01-05T10:00:00Z"}""");

        await app.Api.PostEvents(request, FunctionsApp.Client);

        var (status, body) = FunctionsApp.Response(request);
        Assert.Equal(400, status);
        Assert.Contains("customerId", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCustomer_RouteValueFromThePath_ReachesTheHandler()
    {
        await using var app = await FunctionsApp.StartAsync();
        var post = app.Request("POST", "/api/events", FunctionsApp.EventsKey, Purchase);
        await app.Api.PostEvents(post, FunctionsApp.Client);
        var item = await app.TakeAsync(app.Engine.Options.EventQueueFor("c1"));
        await app.Engine.HandleQueueMessageAsync(app.Engine.Options.EventQueueFor("c1"), item.Text);
        var request = app.Request("GET", "/api/customers/c1", FunctionsApp.AdminKey);

        await app.Api.GetCustomer(request, FunctionsApp.Client);

        var (status, body) = FunctionsApp.Response(request);
        Assert.Equal(200, status);
        Assert.Contains("\"c1\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetHealth_ReportsTheFunctionsHostWithoutWorkers()
    {
        await using var app = await FunctionsApp.StartAsync();
        var request = app.Request("GET", "/api/health");

        await app.Api.GetHealth(request, FunctionsApp.Client);

        var health = JsonNode.Parse(FunctionsApp.Response(request).Body)!;
        Assert.Equal("functions", health["host"]!.GetValue<string>());
        Assert.False(health["workers"]!.GetValue<bool>());
        Assert.Equal("memory", health["storage"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetOpenApiDocument_DescribesTheApiEndpoints()
    {
        await using var app = await FunctionsApp.StartAsync();
        var request = app.Request("GET", "/api/openapi/v1.json");

        await app.Api.GetOpenApiDocument(request, FunctionsApp.Client);

        var (status, body) = FunctionsApp.Response(request);
        Assert.Equal(200, status);
        var paths = JsonNode.Parse(body)!["paths"]!.AsObject();
        Assert.Contains("/api/events", paths.Select(p => p.Key));
        Assert.Contains("/api/customers/{customerId}", paths.Select(p => p.Key));
        Assert.Equal("PostEvents", paths["/api/events"]!["post"]!["operationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invoke_PathOfAnotherRoute_Throws()
    {
        await using var app = await FunctionsApp.StartAsync();
        var request = app.Request("GET", "/api/journeys", FunctionsApp.AdminKey);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => app.Api.GetCustomer(request, FunctionsApp.Client));

        Assert.Contains("/api/customers/{customerId}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutMessage_ThroughTheFunction_IsInTheAuditLogUnderTheKeyName()
    {
        await using var app = await FunctionsApp.StartAsync();
        var put = app.Request("PUT", "/api/messages/fn-audit", FunctionsApp.AdminKey, """{ "id": "fn-audit", "email": { "subject": "Hi", "text": "Hi" } }""");
        await app.Api.PutMessage(put, FunctionsApp.Client);
        Assert.Equal(200, FunctionsApp.Response(put).Status);
        var request = app.Request("GET", "/api/audit", FunctionsApp.AdminKey);

        await app.Api.GetAuditLog(request, FunctionsApp.Client);

        var (status, body) = FunctionsApp.Response(request);
        Assert.Equal(200, status);
        var entry = JsonNode.Parse(body)!["entries"]!.AsArray().Single()!;
        Assert.Equal("admin", entry["key"]!.GetValue<string>());
        Assert.Equal("message.saved", entry["kind"]!.GetValue<string>());
        Assert.Equal("fn-audit", entry["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetJourneys_OverTheReadLimit_Returns429WithRetryAfter()
    {
        await using var app = await FunctionsApp.StartAsync(new Dictionary<string, string?> { ["RateLimits:Read"] = "1", ["RateLimits:Window"] = "00:01:00" });
        var first = app.Request("GET", "/api/journeys", FunctionsApp.AdminKey);
        await app.Api.ListJourneys(first, FunctionsApp.Client);
        var second = app.Request("GET", "/api/journeys", FunctionsApp.AdminKey);

        await app.Api.ListJourneys(second, FunctionsApp.Client);

        Assert.Equal(200, FunctionsApp.Response(first).Status);
        var (status, body) = FunctionsApp.Response(second);
        Assert.Equal(429, status);
        Assert.True(int.Parse(second.HttpContext.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Contains("RateLimits:Read", body, StringComparison.Ordinal);
    }
}
