using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScenarioEngine.Api.Catalog;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>JSON segments through the admin API, on the in-memory store: validation, storage, the catalog, triggers and the export.</summary>
public sealed class SegmentsApiTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string RepeatBuyers = """
    { "id": "repeat-buyers", "name": "Repeat buyers", "description": "Two orders or more", "when": { "attr": "orders.count", "gte": 2 } }
    """;

    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        var settings = TestHost.Memory();
        settings["Engine:CatalogRefreshInterval"] = "00:00:00.200";
        _host = await TestHost.StartAsync(output, settings);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Runtime.Engine.Catalog Catalog => _host.Services.GetRequiredService<JourneyEngine>().Catalog;

    private static async Task<IReadOnlyList<(string Path, string Message)>> ErrorsAsync(HttpResponseMessage response) =>
        (await TestHost.ReadAsync(response))["errors"]!.AsArray().Select(e => (e!["path"]!.GetValue<string>(), e["message"]!.GetValue<string>())).ToList();

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Event(string id, string type, string customer, int minutesAgo, string properties) =>
        $$"""{"id":"{{id}}","type":"{{type}}","customerId":"{{customer}}","occurredAt":"{{DateTimeOffset.UtcNow.AddMinutes(-minutesAgo).ToString("O", CultureInfo.InvariantCulture)}}","properties":{{properties}}}""";

    private async Task<JsonNode?> ComputedAsync(string customerId, string key)
    {
        var response = await _host.Admin.GetAsync($"/api/customers/{customerId}");
        return response.IsSuccessStatusCode ? (await TestHost.ReadAsync(response))["computed"]?[key] : null;
    }

    private async Task<bool> IsMemberAsync(string customerId, string segmentId) =>
        (await ComputedAsync(customerId, "segments.current"))?.AsArray().Any(s => s!.GetValue<string>() == segmentId) == true;

    [Fact]
    public async Task PutSegment_Valid_StoresAndLoadsIntoCatalog()
    {
        var response = await _host.Admin.PutAsync("/api/segments/repeat-buyers", TestHost.Json(RepeatBuyers));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var saved = await TestHost.ReadAsync(response);
        Assert.Equal("repeat-buyers", saved["id"]!.GetValue<string>());
        Assert.Equal("Repeat buyers", saved["name"]!.GetValue<string>());
        Assert.NotNull(Catalog.FindSegment("repeat-buyers"));
    }

    [Fact]
    public async Task PutSegment_Invalid_Returns400WithEveryPath()
    {
        var response = await _host.Admin.PutAsync("/api/segments/big", TestHost.Json("""
        { "id": "big", "name": "Big", "when": { "all": [ { "attr": "event.amount", "gte": 10000 }, { "attr": "orders.count", "between": 2 } ] }, "colour": "red" }
        """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = await ErrorsAsync(response);
        Assert.Contains(errors, e => e.Path == "$.when.all[0].attr" && e.Message.Contains("always missing in a segment", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path.StartsWith("$.when.all[1]", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.colour");
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.GetAsync("/api/segments/big")).StatusCode);
    }

    [Fact]
    public async Task PutSegment_IdDiffersFromRoute_Returns400AtId()
    {
        var response = await _host.Admin.PutAsync("/api/segments/other", TestHost.Json(RepeatBuyers));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await ErrorsAsync(response), e => e.Path == "$.id" && e.Message.Contains("'other'", StringComparison.Ordinal));
        Assert.Null(Catalog.FindSegment("repeat-buyers"));
    }

    [Fact]
    public async Task PutSegment_ReservedRfmId_Returns400AtId()
    {
        var response = await _host.Admin.PutAsync("/api/segments/at-risk", TestHost.Json("""{ "id": "at-risk", "name": "Mine", "when": { "attr": "orders.count", "gte": 1 } }"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await ErrorsAsync(response), e => e.Path == "$.id" && e.Message.Contains("reserved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PutSegment_InvalidRouteId_Returns400()
    {
        var response = await _host.Admin.PutAsync("/api/segments/-bad", TestHost.Json(RepeatBuyers));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await ErrorsAsync(response), e => e.Path == "segmentId");
    }

    [Fact]
    public async Task Segments_GetListDelete_RoundTrip()
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.Admin.PutAsync("/api/segments/repeat-buyers", TestHost.Json(RepeatBuyers))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Admin.PutAsync("/api/segments/anyone", TestHost.Json("""{ "id": "anyone", "name": "Anyone", "when": { "attr": "orders.count", "gte": 0 } }"""))).StatusCode);

        var one = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/segments/repeat-buyers"));
        var list = (await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/segments"))).AsArray();

        Assert.Equal(2, one["document"]!["when"]!["gte"]!.GetValue<int>());
        Assert.Equal(["anyone", "repeat-buyers"], list.Select(s => s!["id"]!.GetValue<string>()));
        Assert.Equal("Two orders or more", list[1]!["description"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await _host.Admin.DeleteAsync("/api/segments/repeat-buyers")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.GetAsync("/api/segments/repeat-buyers")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.DeleteAsync("/api/segments/repeat-buyers")).StatusCode);
        Assert.Null(Catalog.FindSegment("repeat-buyers"));
        Assert.NotNull(Catalog.FindSegment("anyone"));
        Assert.Single((await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/segments"))).AsArray());
    }

    [Fact]
    public async Task Segments_EventsKey_Returns403()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await _host.Events.GetAsync("/api/segments")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _host.Events.PutAsync("/api/segments/repeat-buyers", TestHost.Json(RepeatBuyers))).StatusCode);
    }

    [Fact]
    public async Task CatalogRefresher_SegmentStoredByAnotherProcess_LoadsAndRemovesIt()
    {
        // Another process writes the definitions table; this one only learns of it through the periodic reload.
        var definitions = _host.Services.GetRequiredService<DefinitionStore>();
        await definitions.PutSegmentAsync("repeat-buyers", RepeatBuyers);

        await TestHost.WaitUntilAsync(() => Catalog.FindSegment("repeat-buyers") is not null, TimeSpan.FromSeconds(10), "the refresher to load the segment");
        await definitions.DeleteSegmentAsync("repeat-buyers");
        await TestHost.WaitUntilAsync(() => Catalog.FindSegment("repeat-buyers") is null, TimeSpan.FromSeconds(10), "the refresher to remove the segment");
    }

    [Fact]
    public async Task Export_UnknownSegment_Returns404()
    {
        var response = await _host.Admin.GetAsync("/api/segments/nobody/export.csv");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Export_UnknownFormat_Returns400()
    {
        await _host.Admin.PutAsync("/api/segments/repeat-buyers", TestHost.Json(RepeatBuyers));

        var response = await _host.Admin.GetAsync("/api/segments/repeat-buyers/export.csv?format=tiktok");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await ErrorsAsync(response), e => e.Path == "format" && e.Message.Contains("tiktok", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_RfmSegmentWithoutMembers_ReturnsHeaderOnly()
    {
        var response = await _host.Admin.GetAsync("/api/segments/champions/export.csv?format=google");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Email\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SegmentTrigger_TwoCustomersQualify_EntersJourneyAndExportsConsentedOne()
    {
        // Arrange: the segment, and a journey it triggers whose message reads the segment event's properties.
        Assert.Equal(HttpStatusCode.OK, (await _host.Admin.PutAsync("/api/segments/repeat-buyers", TestHost.Json(RepeatBuyers))).StatusCode);
        await _host.PublishAsync("""
        { "id": "welcome-repeat", "name": "Welcome to the repeat buyers", "trigger": { "segment": "repeat-buyers" }, "start": "thanks",
          "steps": { "thanks": { "type": "send", "medium": "email", "message": "repeat-thanks", "next": "done" }, "done": { "type": "exit" } } }
        """, """
        { "id": "repeat-thanks", "email": { "subject": "Thanks again {{profile.firstName}}", "text": "You joined {{trigger.segment}} with a {{trigger.causeEventType}} ({{trigger.causeEventId}})" } }
        """);

        // Act: c1 (ads consent, e-mail in mixed case) and c2 (no ads consent) buy twice; c3 once.
        await _host.PostEventsAsync("[" + string.Join(",",
            Event("i1", "identify", "c1", 30, """{"email":"  C1@Example.COM ","firstName":"Mai","consent":{"email":true,"ads":true}}"""),
            Event("i2", "identify", "c2", 30, """{"email":"c2@example.com","firstName":"Ken","consent":{"email":true}}"""),
            Event("i3", "identify", "c3", 30, """{"email":"c3@example.com","consent":{"email":true,"ads":true}}"""),
            Event("p1a", "purchase", "c1", 20, """{"orderId":"o-1","amount":3000}"""),
            Event("p1b", "purchase", "c1", 10, """{"orderId":"o-2","amount":4000}"""),
            Event("p2a", "purchase", "c2", 20, """{"orderId":"o-3","amount":3000}"""),
            Event("p2b", "purchase", "c2", 10, """{"orderId":"o-4","amount":5000}"""),
            Event("p3a", "purchase", "c3", 10, """{"orderId":"o-5","amount":9000}""")) + "]");
        await TestHost.WaitUntilAsync(async () => await IsMemberAsync("c1", "repeat-buyers") && await IsMemberAsync("c2", "repeat-buyers"),
            TimeSpan.FromSeconds(15), "c1 and c2 to enter repeat-buyers");
        await TestHost.WaitUntilAsync(async () => (await ComputedAsync("c3", "orders.count"))?.GetValue<double>() == 1, TimeSpan.FromSeconds(10), "c3's purchase");
        var email = _host.Recorded("email");
        await TestHost.WaitUntilAsync(() => email.Sent.Count >= 2, TimeSpan.FromSeconds(15), "the journey's two emails");

        // Assert: both entered the journey (c3 did not), and only c1 is exported, hashed after normalisation.
        foreach (var customer in new[] { "c1", "c2" })
        {
            var view = await TestHost.ReadAsync(await _host.Admin.GetAsync($"/api/customers/{customer}"));
            Assert.Contains(view["journeys"]!.AsArray(), j => j!["journeyId"]!.GetValue<string>() == "welcome-repeat");
        }

        var c3 = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/customers/c3"));
        Assert.DoesNotContain(c3["journeys"]!.AsArray(), j => j!["journeyId"]!.GetValue<string>() == "welcome-repeat");
        Assert.False(await IsMemberAsync("c3", "repeat-buyers"));

        var meta = await _host.Admin.GetAsync("/api/segments/repeat-buyers/export.csv?format=meta");
        Assert.Equal(HttpStatusCode.OK, meta.StatusCode);
        Assert.Equal("text/csv", meta.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"email,extern_id\n{Sha256("c1@example.com")},c1\n", await meta.Content.ReadAsStringAsync());

        var google = await _host.Admin.GetAsync("/api/segments/repeat-buyers/export.csv?format=google");
        Assert.Equal($"Email\n{Sha256("c1@example.com")}\n", await google.Content.ReadAsStringAsync());
        Assert.Equal(await (await _host.Admin.GetAsync("/api/segments/repeat-buyers/export.csv")).Content.ReadAsStringAsync(), $"email,extern_id\n{Sha256("c1@example.com")},c1\n");
    }

    [Fact]
    public void SegmentSchema_ReservedIds_MatchCatalog()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(AzuriteFixture.FindRepositoryRoot(), "schemas", "segment.schema.json")))!;

        var reserved = schema["properties"]!["id"]!["not"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal);

        Assert.Equal(Runtime.Engine.Catalog.ReservedSegmentIds.Order(StringComparer.Ordinal), reserved);
        Assert.Equal(["description", "id", "name", "when"], schema["properties"]!.AsObject().Select(p => p.Key).Where(k => k != "$schema").Order(StringComparer.Ordinal));
    }
}
