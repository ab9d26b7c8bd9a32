using ScenarioEngine.Api;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>Journeys, messages and customers through the admin API, on the in-memory store.</summary>
public sealed class AdminApiTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(output, TestHost.Memory());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static async Task<IReadOnlyList<(string Path, string Message)>> ErrorsAsync(HttpResponseMessage response) =>
        (await TestHost.ReadAsync(response))["errors"]!.AsArray().Select(e => (e!["path"]!.GetValue<string>(), e["message"]!.GetValue<string>())).ToList();

    [Fact]
    public async Task ReadEndpoint_EventsKey_Returns403NamingScopeAndKey()
    {
        var response = await _host.Events.GetAsync("/api/journeys");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("needs the read scope; the key 'events' holds events", (await TestHost.ReadAsync(response))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRoute_Returns404Problem()
    {
        var response = await _host.Admin.GetAsync("/api/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task PutDraft_InvalidJourney_Returns400WithEveryPath()
    {
        var response = await _host.Admin.PutAsync("/api/journeys/broken/draft", TestHost.Json("""
        { "id": "broken", "name": "Broken", "trigger": { "event": "purchase" }, "start": "a",
          "steps": { "a": { "type": "wait", "for": "three days", "next": "nowhere" } }, "colour": "red" }
        """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = await ErrorsAsync(response);
        Assert.Contains(errors, e => e.Path == "$.steps.a.for");
        Assert.Contains(errors, e => e.Path.StartsWith("$.steps.a", StringComparison.Ordinal) && e.Message.Contains("nowhere", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.colour");
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.GetAsync("/api/journeys/broken")).StatusCode);
    }

    [Fact]
    public async Task PutDraft_IdDiffersFromUrl_Returns400AtId()
    {
        await PutMessagesAsync();
        var response = await _host.Admin.PutAsync("/api/journeys/other/draft", TestHost.Json(TestDocuments.OneShotJourney));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await ErrorsAsync(response), e => e.Path == "$.id");
    }

    [Fact]
    public async Task PutDraft_MessageMissing_Returns400AtStep()
    {
        var response = await _host.Admin.PutAsync("/api/journeys/one-shot/draft", TestHost.Json(TestDocuments.OneShotJourney));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await ErrorsAsync(response), e => e.Path.StartsWith("$.steps.thanks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Publish_UnknownPlaceholder_Returns400NamingIt()
    {
        await PutMessageAsync("""{ "id": "typo", "email": { "subject": "Hi {{profile.fistName}}", "text": "x" } }""");
        var journey = TestDocuments.OneShotJourney.Replace("\"e2e-thanks\"", "\"typo\"", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _host.Admin.PutAsync("/api/journeys/one-shot/draft", TestHost.Json(journey))).StatusCode);

        var response = await _host.Admin.PostAsync("/api/journeys/one-shot/publish", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = await ErrorsAsync(response);
        Assert.Contains(errors, e => e.Path == "$.steps.thanks.message" && e.Message.Contains("{{profile.fistName}}", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.GetAsync("/api/journeys/one-shot/stats")).StatusCode);
    }

    [Fact]
    public async Task Publish_WithoutDraft_Returns404()
    {
        var response = await _host.Admin.PostAsync("/api/journeys/ghost/publish", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no draft", (await TestHost.ReadAsync(response))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_Twice_CreatesVersionsAndListShowsThem()
    {
        await _host.PublishAsync(TestDocuments.OneShotJourney, TestDocuments.ThanksMessage);
        var second = await _host.Admin.PostAsync("/api/journeys/one-shot/publish", null);

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(2, (await TestHost.ReadAsync(second))["version"]!.GetValue<int>());
        var list = (await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/journeys"))).AsArray();
        var item = Assert.Single(list);
        Assert.Equal("active", item!["state"]!.GetValue<string>());
        Assert.Equal([1, 2], item["versions"]!.AsArray().Select(v => v!.GetValue<int>()));
    }

    [Fact]
    public async Task Metrics_AfterAPurchaseThatStartsAJourney_CountsAppliedEventsStartsAndQueues()
    {
        await _host.PublishAsync(TestDocuments.OneShotJourney, TestDocuments.ThanksMessage);
        await _host.PostEventsAsync($"[{TestDocuments.Identify("m1", "mi1")},{TestDocuments.Purchase("m1", "mp1")}]");
        await TestHost.WaitUntilAsync(async () =>
            (await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/system/metrics")))["engine"]!["started"]!.GetValue<long>() >= 1,
            TimeSpan.FromSeconds(15), "the journey to start");

        var metrics = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/system/metrics"));

        Assert.True(metrics["engine"]!["eventsApplied"]!.GetValue<long>() >= 2);
        Assert.Equal(0, metrics["engine"]!["raised"]!.GetValue<long>());
        Assert.Contains(metrics["queues"]!.AsObject(), q => q.Key.EndsWith("-events-0-poison", StringComparison.Ordinal));
        Assert.DoesNotContain(metrics["queues"]!.AsObject(), q => q.Key.Contains("dispatch", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, (await _host.Events.GetAsync("/api/system/metrics")).StatusCode);
    }

    [Fact]
    public async Task PauseResumeArchive_ChangeStateAndArchiveHidesFromList()
    {
        await _host.PublishAsync(TestDocuments.OneShotJourney, TestDocuments.ThanksMessage);

        Assert.Equal("paused", (await TestHost.ReadAsync(await _host.Admin.PostAsync("/api/journeys/one-shot/pause", null)))["state"]!.GetValue<string>());
        Assert.Equal("active", (await TestHost.ReadAsync(await _host.Admin.PostAsync("/api/journeys/one-shot/resume", null)))["state"]!.GetValue<string>());
        Assert.Equal("archived", (await TestHost.ReadAsync(await _host.Admin.PostAsync("/api/journeys/one-shot/archive", null)))["state"]!.GetValue<string>());
        Assert.Empty((await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/journeys"))).AsArray());
        Assert.Single((await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/journeys?includeArchived=true"))).AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.PostAsync("/api/journeys/ghost/pause", null)).StatusCode);
    }

    [Fact]
    public async Task PausedJourney_TakesNoNewEntrants()
    {
        await _host.PublishAsync(TestDocuments.OneShotJourney, TestDocuments.ThanksMessage);
        await _host.Admin.PostAsync("/api/journeys/one-shot/pause", null);

        await _host.PostEventsAsync($"[{TestDocuments.Identify("c1", "i1")},{TestDocuments.Purchase("c1", "p1")}]");
        await TestHost.WaitUntilAsync(async () => (await _host.Admin.GetAsync("/api/customers/c1")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "c1");
        await Task.Delay(500);

        Assert.Empty(_host.Recorded("email").Sent);
    }

    [Fact]
    public async Task Validate_ReturnsErrorsWithoutSaving()
    {
        var bad = await TestHost.ReadAsync(await _host.Admin.PostAsync("/api/journeys/validate", TestHost.Json("""{"id":"x"}""")));
        await PutMessagesAsync();
        var good = await TestHost.ReadAsync(await _host.Admin.PostAsync("/api/journeys/validate", TestHost.Json(TestDocuments.OneShotJourney)));

        Assert.False(bad["valid"]!.GetValue<bool>());
        Assert.Contains(bad["errors"]!.AsArray(), e => e!["path"]!.GetValue<string>() == "$.name");
        Assert.True(good["valid"]!.GetValue<bool>());
        Assert.Empty((await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/journeys"))).AsArray());
    }

    [Fact]
    public async Task PutMessage_InvalidTemplateSyntax_Returns400AtField()
    {
        var response = await _host.Admin.PutAsync("/api/messages/bad", TestHost.Json("""{ "id": "bad", "line": { "text": "Hi {{#if x}} unclosed" } }"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await ErrorsAsync(response), e => e.Path == "$.line.text");
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.GetAsync("/api/messages/bad")).StatusCode);
    }

    [Fact]
    public async Task Messages_PutGetList()
    {
        await PutMessagesAsync();

        var one = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/messages/e2e-thanks"));
        var list = (await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/messages"))).AsArray();

        Assert.Equal("e2e-thanks", one["document"]!["id"]!.GetValue<string>());
        Assert.Equal(3, list.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.GetAsync("/api/messages/none")).StatusCode);
    }

    [Fact]
    public async Task Preview_ForCustomer_RendersEscapedHtmlAndReportsMissing()
    {
        await PutMessagesAsync();
        await _host.PostEventsAsync($$$"""{"id":"i1","type":"identify","customerId":"c1","occurredAt":"{{{TestHost.Now()}}}","properties":{"firstName":"<Mai>"}}""");
        await TestHost.WaitUntilAsync(async () => (await _host.Admin.GetAsync("/api/customers/c1")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "c1");

        var response = await _host.Admin.PostAsync("/api/messages/e2e-thanks/preview?customerId=c1", TestHost.Json("""{"event":{"orderId":"o-77"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var email = (await TestHost.ReadAsync(response))["media"]![0]!;
        Assert.Equal("Thank you <Mai>", email["content"]!["subject"]!.GetValue<string>());
        Assert.Equal("<p>Order o-77 for &lt;Mai&gt;</p>", email["content"]!["html"]!.GetValue<string>());
        Assert.Empty(email["missing"]!.AsArray());
        var unknown = await _host.Admin.PostAsync("/api/messages/e2e-thanks/preview?customerId=nobody", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Customer_Unknown_Returns404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.GetAsync("/api/customers/nobody")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.GetAsync("/api/customers/nobody/timeline")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.GetAsync("/api/customers/nobody/journeys/x/why")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.DeleteAsync("/api/customers/nobody")).StatusCode);
    }

    [Fact]
    public async Task Timeline_BadMax_Returns400()
    {
        var response = await _host.Admin.GetAsync("/api/customers/c1/timeline?max=0");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Journey_CustomerViewWhyStatsAndErase()
    {
        await _host.PublishAsync(TestDocuments.FollowUpJourney, TestDocuments.FollowUpMessages);
        await _host.PostEventsAsync($"[{TestDocuments.Identify("c1", "i1")},{TestDocuments.Purchase("c1", "p1", "o-42")}]");
        var email = _host.Recorded("email");
        await TestHost.WaitUntilAsync(() => email.Sent.Count >= 1, TimeSpan.FromSeconds(10), "the thank-you");

        var customer = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/customers/c1"));
        var journey = customer["journeys"]![0]!;
        Assert.Equal("e2e-follow-up", journey["journeyId"]!.GetValue<string>());
        Assert.Equal("active", journey["status"]!.GetValue<string>());

        await TestHost.WaitUntilAsync(() => email.Sent.Count >= 2, TimeSpan.FromSeconds(15), "the follow-up");
        await TestHost.WaitUntilAsync(async () =>
        {
            var c = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/customers/c1"));
            return c["journeys"]![0]!["waitingFor"]?["event"]?.GetValue<string>() == "review";
        }, TimeSpan.FromSeconds(10), "the journey to wait for a review");

        var why = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/customers/c1/journeys/e2e-follow-up/why"));
        var texts = why["decisions"]!.AsArray().Select(d => d!["text"]!.GetValue<string>()).ToList();
        Assert.Contains(texts, t => t.StartsWith("entered version 1", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("message e2e-thanks sent", StringComparison.Ordinal));

        var timeline = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/customers/c1/timeline?max=5"));
        Assert.InRange(timeline["entries"]!.AsArray().Count, 1, 5);

        var stats = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/journeys/e2e-follow-up/stats"));
        Assert.Equal(1, stats["entered"]!.GetValue<int>());
        var thanks = stats["steps"]!.AsArray().Single(s => s!["stepId"]!.GetValue<string>() == "thanks")!;
        Assert.Equal(1, thanks["counts"]!["sent"]!.GetValue<int>());

        var erase = await _host.Admin.DeleteAsync("/api/customers/c1");
        Assert.Equal(HttpStatusCode.OK, erase.StatusCode);
        var erased = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/customers/c1"));
        Assert.Empty(erased["profile"]!["attributes"]!.AsObject());
        Assert.Empty(erased["profile"]!["consent"]!.AsObject());
        Assert.Equal("erased", erased["journeys"]![0]!["exitReason"]!.GetValue<string>());
        Assert.Equal(1, erased["computed"]!["orders.count"]!.GetValue<double>());
        var after = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/customers/c1/timeline"));
        Assert.DoesNotContain(after["entries"]!.AsArray(), e => e!.ToJsonString().Contains("c1@example.com", StringComparison.Ordinal));
        var statsAfter = await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/journeys/e2e-follow-up/stats"));
        Assert.Equal(1, statsAfter["entered"]!.GetValue<int>());
        Assert.Equal(1, statsAfter["exits"]!["erased"]!.GetValue<int>());
    }

    [Fact]
    public async Task Simulate_DraftOverPostedEvents_ReportsSends()
    {
        await PutMessagesAsync();
        Assert.Equal(HttpStatusCode.OK, (await _host.Admin.PutAsync("/api/journeys/e2e-follow-up/draft", TestHost.Json(TestDocuments.FollowUpJourney))).StatusCode);
        var body = $$$"""
        { "runFor": "PT5M", "events": [
          {"id":"i1","type":"identify","customerId":"s1","occurredAt":"2026-03-01T10:00:00Z","properties":{"firstName":"Sim","consent.email":true}},
          {"id":"p1","type":"purchase","customerId":"s1","occurredAt":"2026-03-01T10:01:00Z","properties":{"orderId":"o-9"}},
          {"id":"r1","type":"review","customerId":"s1","occurredAt":"2026-03-01T10:01:30Z"}
        ] }
        """;

        var response = await _host.Admin.PostAsync("/api/journeys/e2e-follow-up/simulate", TestHost.Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await TestHost.ReadAsync(response);
        Assert.Equal(["e2e-thanks", "e2e-follow", "e2e-reviewed"], report["sends"]!.AsArray().Select(s => s!["messageId"]!.GetValue<string>()));
        Assert.Equal("Thank you Sim", report["sends"]![0]!["content"]!["subject"]!.GetValue<string>());
        Assert.Empty(_host.Recorded("email").Sent);
    }

    [Fact]
    public async Task Simulate_InvalidEvents_Returns400ByIndex()
    {
        await PutMessagesAsync();
        await _host.Admin.PutAsync("/api/journeys/one-shot/draft", TestHost.Json(TestDocuments.OneShotJourney));

        var response = await _host.Admin.PostAsync("/api/journeys/one-shot/simulate", TestHost.Json("""{"events":[{"type":"purchase"}],"speed":2}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = await ErrorsAsync(response);
        Assert.Contains(errors, e => e.Path == "$.events[0].customerId");
        Assert.Contains(errors, e => e.Path == "$.speed");
    }

    [Fact]
    public async Task Simulate_FieldsOfTheWrongType_Return400AtTheirPath()
    {
        await PutMessagesAsync();
        await _host.Admin.PutAsync("/api/journeys/one-shot/draft", TestHost.Json(TestDocuments.OneShotJourney));

        var runForNumber = await _host.Admin.PostAsync("/api/journeys/one-shot/simulate", TestHost.Json("""{"events":[],"runFor":30}"""));
        var eventsObject = await _host.Admin.PostAsync("/api/journeys/one-shot/simulate", TestHost.Json("""{"events":{"type":"purchase"}}"""));
        var runForTooLong = await _host.Admin.PostAsync("/api/journeys/one-shot/simulate", TestHost.Json("""{"events":[{"type":"purchase"}],"runFor":"P500D"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, runForNumber.StatusCode);
        Assert.Contains(await ErrorsAsync(runForNumber), e => e.Path == "$.runFor" && e.Message.Contains("expected a string", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, eventsObject.StatusCode);
        Assert.Contains(await ErrorsAsync(eventsObject), e => e.Path == "$.events" && e.Message.Contains("expected an array", StringComparison.Ordinal));
        var both = await ErrorsAsync(runForTooLong);
        Assert.Contains(both, e => e.Path == "$.runFor");
        Assert.Contains(both, e => e.Path == "$.events[0].customerId");
    }

    [Fact]
    public async Task Preview_UnknownFieldOrEventNotAnObject_Returns400AtThePath()
    {
        await PutMessagesAsync();

        var unknown = await _host.Admin.PostAsync("/api/messages/e2e-thanks/preview", TestHost.Json("""{"event":{},"customer":"c1"}"""));
        var notObject = await _host.Admin.PostAsync("/api/messages/e2e-thanks/preview", TestHost.Json("""{"event":[1,2]}"""));
        var nested = await _host.Admin.PostAsync("/api/messages/e2e-thanks/preview", TestHost.Json("""{"event":{"orderId":"o-5","cart":{"total":3}}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains(await ErrorsAsync(unknown), e => e.Path == "$.customer" && e.Message.Contains("unknown field", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, notObject.StatusCode);
        Assert.Contains(await ErrorsAsync(notObject), e => e.Path == "$.event" && e.Message.Contains("expected an object", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, nested.StatusCode);
        Assert.Contains("o-5", (await TestHost.ReadAsync(nested))["media"]![0]!["content"]!["html"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiDocument_RequestBodiesBoundToRecords_DescribeTheirFields()
    {
        var doc = await TestHost.ReadAsync(await _host.Anonymous.GetAsync("/api/openapi/v1.json"));

        var simulate = doc["paths"]!["/api/journeys/{journeyId}/simulate"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        var preview = doc["paths"]!["/api/messages/{messageId}/preview"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        var schemas = doc["components"]!["schemas"]!;
        var simulation = schemas[simulate["$ref"]!.GetValue<string>().Split('/')[^1]]!["properties"]!.AsObject();
        var previewing = schemas[preview["$ref"]!.GetValue<string>().Split('/')[^1]]!["properties"]!.AsObject();

        Assert.True(simulation.ContainsKey("events") && simulation.ContainsKey("journey") && simulation.ContainsKey("runFor"), simulation.ToJsonString());
        Assert.True(previewing.ContainsKey("event"), previewing.ToJsonString());
    }

    [Fact]
    public async Task Postcards_SentCardsAppearInTheDaysCsvBatch()
    {
        await _host.PublishAsync("""
        { "id": "card", "name": "Card", "trigger": { "event": "purchase" }, "start": "send",
          "steps": { "send": { "type": "send", "medium": "postcard", "message": "card", "next": "done" }, "done": { "type": "exit" } } }
        """, """{ "id": "card", "postcard": { "fields": { "greeting": "Dear {{profile.firstName}}" } } }""");
        var identify = await _host.Events.PostAsync("/api/customers/p1/identify", TestHost.Json(
            """{"firstName":"舞","lastName":"高橋","postalCode":"420-0853","prefecture":"静岡県","city":"静岡市葵区","addressLine1":"追手町1-2-3","consent":{"postcard":true}}"""));
        Assert.Equal(HttpStatusCode.Accepted, identify.StatusCode);
        await TestHost.WaitUntilAsync(async () => (await _host.Admin.GetAsync("/api/customers/p1")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "p1");
        await _host.PostEventsAsync(TestDocuments.Purchase("p1", "buy-1"));
        var channel = _host.Services.GetRequiredService<ScenarioEngine.Api.ChannelSet>().Channels.OfType<ScenarioEngine.Channels.PostcardBatchChannel>().Single();
        var day = channel.BatchDate(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        byte[] bytes = [];
        await TestHost.WaitUntilAsync(async () =>
        {
            bytes = await _host.Admin.GetByteArrayAsync($"/api/postcards/batches/{day}.csv?preview=true");
            return System.Text.Encoding.UTF8.GetString(bytes).Contains("420-0853", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10), "the card in the batch");
        var csv = System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.StartsWith("name,postal_code,region,city,address_line1,address_line2,country,greeting\r\n", csv, StringComparison.Ordinal);
        Assert.Contains("高橋 舞,420-0853,静岡県,静岡市葵区,追手町1-2-3,,,Dear 舞", csv, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await _host.Admin.GetAsync("/api/postcards/batches/tomorrow.csv")).StatusCode);

        // Exported once: the first export closes the batch, a second one is refused unless asked for again.
        var export = await _host.Admin.GetAsync($"/api/postcards/batches/{day}.csv");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Contains("420-0853", System.Text.Encoding.UTF8.GetString(await export.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
        Assert.True(export.Headers.Contains("X-Postcard-Batch-Exported-At"));
        var second = await _host.Admin.GetAsync($"/api/postcards/batches/{day}.csv");
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("already exported", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _host.Admin.GetAsync($"/api/postcards/batches/{day}.csv?again=true")).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_IsServed()
    {
        var response = await _host.Anonymous.GetAsync("/api/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await TestHost.ReadAsync(response);
        Assert.NotNull(doc["paths"]!["/api/events"]);
    }

    private Task PutMessagesAsync() => Task.WhenAll(TestDocuments.FollowUpMessages.Select(PutMessageAsync));

    private async Task PutMessageAsync(string json)
    {
        var id = JsonNode.Parse(json)!["id"]!.GetValue<string>();
        var response = await _host.Admin.PutAsync($"/api/messages/{id}", TestHost.Json(json));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
