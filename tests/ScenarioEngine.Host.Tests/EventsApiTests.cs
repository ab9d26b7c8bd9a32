using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScenarioEngine.Runtime.Engine;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>POST /api/events and identify on the in-memory store: what is accepted, what is refused and how it is explained.</summary>
public sealed class EventsApiTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(output, TestHost.Memory());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private long Accepted => _host.Services.GetRequiredService<JourneyEngine>().Metrics.EventsAccepted;

    [Fact]
    public async Task PostEvents_SingleEventWithoutId_Returns202WithGeneratedId()
    {
        var response = await _host.Events.PostAsync("/api/events", TestHost.Json(
            $$$"""{"type":"purchase","customerId":"c1","occurredAt":"{{{TestHost.Now()}}}","properties":{"amount":100}}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await TestHost.ReadAsync(response);
        Assert.Equal(1, body["accepted"]!.GetValue<int>());
        Assert.StartsWith("evt-", body["ids"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, Accepted);
    }

    [Fact]
    public async Task PostEvents_Batch_AcceptsAllAndKeepsGivenIds()
    {
        var ids = await _host.PostEventsAsync($"[{TestDocuments.Identify("c1", "i1")},{TestDocuments.Purchase("c1", "p1")},{TestDocuments.Purchase("c2", "p2")}]");

        Assert.Equal(["i1", "p1", "p2"], ids);
        await TestHost.WaitUntilAsync(async () => (await _host.Admin.GetAsync("/api/customers/c1")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "c1 to be applied");
        var customer = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/customers/c1"));
        Assert.Equal("Mai", customer["profile"]!["attributes"]!["firstName"]!.GetValue<string>());
        Assert.True(customer["profile"]!["consent"]!["email"]!.GetValue<bool>());
        Assert.Equal(1, customer["computed"]!["orders.count"]!.GetValue<double>());
    }

    [Fact]
    public async Task PostEvents_BatchWithInvalidEvents_RejectsWholeBatchListingEveryProblemByIndexAndField()
    {
        var batch = $$$"""
        [
          {{{TestDocuments.Purchase("c1", "ok-1")}}},
          {"type":"purchase","customerId":"c1","occurredAt":"yesterday"},
          {"type":5,"occurredAt":"{{{TestHost.Now()}}}","colour":"red"},
          {{{TestDocuments.Purchase("c3", "ok-2")}}}
        ]
        """;

        var response = await _host.Events.PostAsync("/api/events", TestHost.Json(batch));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await TestHost.ReadAsync(response);
        var errors = problem["errors"]!.AsArray().Select(e => (Index: e!["index"]!.GetValue<int>(), Field: e["field"]!.GetValue<string>(), Message: e["message"]!.GetValue<string>())).ToList();
        Assert.Contains(errors, e => e is { Index: 1, Field: "occurredAt" } && e.Message.Contains("ISO-8601", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is { Index: 2, Field: "type" });
        Assert.Contains(errors, e => e is { Index: 2, Field: "customerId" } && e.Message.Contains("required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is { Index: 2, Field: "colour" } && e.Message.Contains("unknown field", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Index is 0 or 3);
        Assert.Contains("no event of this batch was accepted", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, Accepted);
    }

    [Theory]
    [InlineData("{\"type\":\"purchase\",", "not valid JSON")]
    [InlineData("", "expected a JSON document")]
    [InlineData("42", "expected an event object or an array of events")]
    [InlineData("[]", "the array is empty")]
    public async Task PostEvents_MalformedBody_Returns400WithClearMessage(string body, string expected)
    {
        var response = await _host.Events.PostAsync("/api/events", TestHost.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await TestHost.ReadAsync(response);
        Assert.Contains(expected, problem["errors"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, Accepted);
    }

    [Fact]
    public async Task PostEvents_NoOccurredAt_StampedWithTheTimeOfReceipt()
    {
        var before = DateTimeOffset.UtcNow;
        await _host.PostEventsAsync("""{"id":"no-time","type":"purchase","customerId":"c-stamp","properties":{"amount":100}}""");
        var after = DateTimeOffset.UtcNow;

        await TestHost.WaitUntilAsync(async () => (await _host.Admin.GetAsync("/api/customers/c-stamp")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "the event to be applied");
        var timeline = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/customers/c-stamp/timeline"));
        var at = timeline["entries"]!.AsArray().Select(e => e!["at"]!.GetValue<DateTimeOffset>()).Min();
        Assert.InRange(at, before, after);
    }

    [Fact]
    public async Task PostEvents_OccurredAtMoreThanADayAhead_Returns400NamingFieldAndLimit()
    {
        var batch = $$$"""[{{{TestDocuments.Purchase("c1", "ok-1")}}},{"type":"purchase","customerId":"c1","occurredAt":"{{{TestHost.Now(25 * 3600)}}}"}]""";

        var response = await _host.Events.PostAsync("/api/events", TestHost.Json(batch));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await TestHost.ReadAsync(response))["errors"]!.AsArray())!;
        Assert.Equal("$[1].occurredAt", error["path"]!.GetValue<string>());
        Assert.Contains("more than 1 day (24 hours) after the event was received", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, Accepted);
    }

    [Fact]
    public async Task PostEvents_WrongTypesInFields_Returns400PerField()
    {
        var response = await _host.Events.PostAsync("/api/events", TestHost.Json(
            """{"id":7,"type":"purchase","customerId":["c1"],"occurredAt":"2026-01-01T00:00:00Z","properties":"amount=5"}"""));

        var problem = await TestHost.ReadAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var paths = problem["errors"]!.AsArray().Select(e => e!["path"]!.GetValue<string>()).ToList();
        Assert.Contains("$.id", paths);
        Assert.Contains("$.customerId", paths);
        Assert.Contains("$.properties", paths);
    }

    [Fact]
    public async Task PostEvents_CustomerIdWithSlash_Returns400()
    {
        var response = await _host.Events.PostAsync("/api/events", TestHost.Json(
            $$$"""{"type":"purchase","customerId":"a/b","occurredAt":"{{{TestHost.Now()}}}"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("may not contain", (await TestHost.ReadAsync(response))["errors"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostEvents_TooManyEvents_Returns400()
    {
        var events = string.Join(",", Enumerable.Range(0, 1001).Select(i => $$$"""{"type":"t","customerId":"c{{{i}}}","occurredAt":"2026-01-01T00:00:00Z"}"""));

        var response = await _host.Events.PostAsync("/api/events", TestHost.Json("[" + events + "]"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 1,000 events", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostEvents_BodyOverOneMebibyte_Returns413AndAcceptsNothing()
    {
        var big = new string('x', 1_100_000);
        var response = await _host.Events.PostAsync("/api/events", TestHost.Json(
            $$$"""{"type":"t","customerId":"c1","occurredAt":"2026-01-01T00:00:00Z","properties":{"blob":"{{{big}}}"}}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 1,048,576 bytes", (await TestHost.ReadAsync(response))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, Accepted);
    }

    [Fact]
    public async Task PostEvents_ChunkedBodyOverLimit_Returns413()
    {
        var big = new string('x', 1_100_000);
        var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes($$$"""{"type":"t","customerId":"c1","occurredAt":"2026-01-01T00:00:00Z","properties":{"blob":"{{{big}}}"}}""")));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await _host.Events.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task PostEvents_NotJsonContentType_Returns415()
    {
        var response = await _host.Events.PostAsync("/api/events", new StringContent("type=purchase", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task PostEvents_WithoutKey_Returns401ProblemAndWithWrongKey401()
    {
        var none = await _host.Anonymous.PostAsync("/api/events", TestHost.Json(TestDocuments.Purchase("c1", "p1")));
        using var wrong = new HttpClient { BaseAddress = _host.BaseAddress };
        wrong.DefaultRequestHeaders.Add("X-Api-Key", "not-a-key-not-a-key");
        var bad = await wrong.PostAsync("/api/events", TestHost.Json(TestDocuments.Purchase("c1", "p1")));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType!.MediaType);
        Assert.Contains("X-Api-Key", (await TestHost.ReadAsync(none))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(0, Accepted);
    }

    [Fact]
    public async Task PostEvents_AdminKey_Returns403NamingTheScope()
    {
        var response = await _host.Admin.PostAsync("/api/events", TestHost.Json(TestDocuments.Purchase("c1", "p1")));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("events scope", (await TestHost.ReadAsync(response))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, Accepted);
    }

    [Fact]
    public async Task Identify_NestedConsentAndAttributes_UpdatesProfile()
    {
        var response = await _host.Events.PostAsync("/api/customers/c9/identify", TestHost.Json(
            """{"email":"c9@example.com","firstName":"Ken","consent":{"email":true,"line":false},"timeZone":"Europe/Berlin","address":{"city":"Berlin"}}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        JsonNode? customer = null;
        await TestHost.WaitUntilAsync(async () =>
        {
            var r = await _host.Admin.GetAsync("/api/customers/c9");
            customer = r.IsSuccessStatusCode ? await TestHost.ReadAsync(r) : null;
            return customer is not null;
        }, TimeSpan.FromSeconds(10), "c9 to be applied");
        Assert.Equal("Europe/Berlin", customer!["profile"]!["timeZone"]!.GetValue<string>());
        Assert.False(customer["profile"]!["consent"]!["line"]!.GetValue<bool>());
        Assert.Equal("Berlin", customer["profile"]!["attributes"]!["address.city"]!.GetValue<string>());
    }

    [Fact]
    public async Task Identify_BadConsentAndZone_Returns400WithPaths()
    {
        var response = await _host.Events.PostAsync("/api/customers/c9/identify", TestHost.Json("""{"consent":{"email":"yes"},"timeZone":"Mars/Olympus"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var paths = (await TestHost.ReadAsync(response))["errors"]!.AsArray().Select(e => e!["path"]!.GetValue<string>()).ToList();
        Assert.Equal(["$.consent.email", "$.timeZone"], paths.Order(StringComparer.Ordinal));
        Assert.Equal(0, Accepted);
    }

    [Fact]
    public async Task Identify_SameIdempotencyKeyTwice_AppliedOnce()
    {
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/customers/c5/identify") { Content = TestHost.Json("""{"firstName":"Aya"}""") };
            request.Headers.Add("Idempotency-Key", "signup-c5");
            Assert.Equal(HttpStatusCode.Accepted, (await _host.Events.SendAsync(request)).StatusCode);
        }

        var engine = _host.Services.GetRequiredService<JourneyEngine>();
        await TestHost.WaitUntilAsync(() => engine.Metrics.EventsApplied + engine.Metrics.Duplicates >= 2, TimeSpan.FromSeconds(10), "both posts to be handled");
        Assert.Equal(1, engine.Metrics.EventsApplied);
    }
}
