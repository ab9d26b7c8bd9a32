using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScenarioEngine.Api;
using ScenarioEngine.Api.Endpoints;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Channels;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Sending;
using ScenarioEngine.Runtime.Storage;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>Whatever can be saved can be used: documents are checked at save time against what reads them, and a bad stored one blocks nothing else.</summary>
public sealed class SaveTimeChecksTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string CardJourney = """
    { "id": "card", "name": "Card", "trigger": { "event": "purchase" }, "start": "send",
      "steps": { "send": { "type": "send", "medium": "postcard", "message": "card", "next": "done" }, "done": { "type": "exit" } } }
    """;

    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(output, TestHost.Memory());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<List<(string Path, string Message)>> ErrorsAsync(HttpResponseMessage response)
    {
        var problem = await TestHost.ReadAsync(response);
        return problem["errors"]!.AsArray().Select(e => (e!["path"]!.GetValue<string>(), e["message"]!.GetValue<string>())).ToList();
    }

    [Theory]
    [InlineData("name", "$.postcard.fields.name")]
    [InlineData("address_line1", "$.postcard.fields.address_line1")]
    [InlineData("", "$.postcard.fields['']")]
    public async Task PutMessage_PostcardFieldTheBatchCannotHold_Returns400AtTheField(string field, string path)
    {
        var response = await _host.Admin.PutAsync("/api/messages/card", TestHost.Json(
            $$$"""{ "id": "card", "postcard": { "fields": { "greeting": "Hi", "{{{field}}}": "{{profile.firstName}}" } } }"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single(await ErrorsAsync(response));
        Assert.Equal(path, error.Path);
        Assert.Contains("print batch", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.GetAsync("/api/messages/card")).StatusCode);
    }

    [Fact]
    public async Task PostcardBatch_StoredCardWithAddressColumnField_IsLeftOutAndCountedWhileTheOthersExport()
    {
        var channel = _host.Services.GetRequiredService<ChannelSet>().Channels.OfType<PostcardBatchChannel>().Single();
        var day = channel.BatchDate(DateTimeOffset.UtcNow);
        var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var profile = new CustomerProfile("c-good");
        profile.Attributes["name"] = Value.From("高橋 舞");
        profile.Attributes["postalCode"] = Value.From("420-0853");
        profile.Attributes["addressLine1"] = Value.From("追手町1-2-3");
        Assert.IsType<Delivered>(await channel.SendAsync(new OutboundMessage("c-good", "postcard", "card", "k-good", "card", "send",
            new Dictionary<string, string> { ["fields.greeting"] = "Hello" }, profile)));
        // A card stored before messages were checked for address-column fields.
        var store = _host.Services.GetRequiredService<IRowStore>();
        var table = _host.Services.GetRequiredService<IOptions<EngineHostOptions>>().Value.DefinitionsTable;
        var bad = JsonSerializer.Serialize(new
        {
            CustomerId = "c-bad", JourneyId = "card", StepId = "send", MessageId = "old-card",
            Row = new PostcardRow { Name = "Old", PostalCode = "1", AddressLine1 = "x", Fields = new Dictionary<string, string?> { ["name"] = "clash" } },
        });
        await store.CommitAsync(table, [new RowWrite(WriteKind.Insert, new StoredRow("postcards|" + date, "k-bad", bad))]);

        var preview = await _host.Admin.GetAsync($"/api/postcards/batches/{date}.csv?preview=true");
        var export = await _host.Admin.GetAsync($"/api/postcards/batches/{date}.csv");

        foreach (var response in new[] { preview, export })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("1", response.Headers.GetValues(PostcardsApi.SkippedHeader).Single());
            var csv = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
            Assert.Contains("高橋 舞,420-0853,,,追手町1-2-3,,,Hello", csv, StringComparison.Ordinal);
            Assert.DoesNotContain("clash", csv, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PostcardBatch_AllCardsPrintable_SkippedHeaderIsZero()
    {
        var response = await _host.Admin.GetAsync("/api/postcards/batches/2026-01-05.csv?preview=true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("0", response.Headers.GetValues(PostcardsApi.SkippedHeader).Single());
    }

    [Fact]
    public async Task PutMessage_DropsTheMediumAPublishedJourneySends_Returns400NamingTheJourney()
    {
        await _host.PublishAsync(CardJourney, """{ "id": "card", "postcard": { "fields": { "greeting": "Dear {{profile.firstName}}" } } }""");

        var response = await _host.Admin.PutAsync("/api/messages/card", TestHost.Json("""{ "id": "card", "line": { "text": "Hi" } }"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single(await ErrorsAsync(response));
        Assert.Equal("$.postcard", error.Path);
        Assert.Contains("journey 'card' v1 step 'send' sends this message by postcard", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutMessage_UnknownPlaceholderInContentAPublishedJourneySends_Returns400AtTheTemplate()
    {
        await _host.PublishAsync(CardJourney, """{ "id": "card", "postcard": { "fields": { "greeting": "Dear {{profile.firstName}}" } } }""");

        var response = await _host.Admin.PutAsync("/api/messages/card", TestHost.Json(
            """{ "id": "card", "postcard": { "fields": { "greeting": "Dear {{profile.fistName}}" } } }"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single(await ErrorsAsync(response));
        Assert.Equal("$.postcard.fields.greeting", error.Path);
        Assert.Contains("{{profile.fistName}}", error.Message, StringComparison.Ordinal);
        Assert.Contains("journey 'card' v1 step 'send'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutMessage_UnknownPlaceholderInAMediumNoJourneySends_IsSaved()
    {
        await _host.PublishAsync(CardJourney, """{ "id": "card", "postcard": { "fields": { "greeting": "Dear {{profile.firstName}}" } } }""");

        var response = await _host.Admin.PutAsync("/api/messages/card", TestHost.Json(
            """{ "id": "card", "postcard": { "fields": { "greeting": "Dear {{profile.firstName}}" } }, "line": { "text": "{{profile.draft}}" } }"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PutDraft_SegmentTriggerOnAMissingSegment_Returns400AtTheTrigger()
    {
        var journey = CardJourney.Replace("\"trigger\": { \"event\": \"purchase\" }", "\"trigger\": { \"segment\": \"vip\" }", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _host.Admin.PutAsync("/api/messages/card", TestHost.Json(
            """{ "id": "card", "postcard": { "fields": { "greeting": "Hi" } } }"""))).StatusCode);

        var response = await _host.Admin.PutAsync("/api/journeys/card/draft", TestHost.Json(journey));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single(await ErrorsAsync(response));
        Assert.Equal("$.trigger.segment", error.Path);
        Assert.Contains("segment 'vip' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutDraft_ConditionOnAMissingSegment_Returns400AtTheCondition()
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.Admin.PutAsync("/api/messages/card", TestHost.Json(
            """{ "id": "card", "postcard": { "fields": { "greeting": "Hi" } } }"""))).StatusCode);
        var journey = """
        { "id": "card", "name": "Card", "trigger": { "event": "purchase" }, "start": "who",
          "audience": { "not": { "attr": "segments", "contains": "blocked" } },
          "steps": {
            "who": { "type": "branch", "cases": [ { "when": { "attr": "segments", "in": ["champions", "vip"] }, "next": "send" } ], "otherwise": "done" },
            "send": { "type": "send", "medium": "postcard", "message": "card", "next": "done" }, "done": { "type": "exit" } } }
        """;

        var response = await _host.Admin.PutAsync("/api/journeys/card/draft", TestHost.Json(journey));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = await ErrorsAsync(response);
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Path == "$.audience" && e.Message.Contains("segment 'blocked' does not exist", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.steps.who.cases[0].when" && e.Message.Contains("segment 'vip' does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeleteSegment_AJourneyConditionNamesIt_Returns409()
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.Admin.PutAsync("/api/segments/vip", TestHost.Json(
            """{ "id": "vip", "name": "VIP", "when": { "attr": "profile.plan", "eq": "vip" } }"""))).StatusCode);
        var journey = CardJourney.Replace("\"start\": \"send\",", "\"start\": \"send\", \"audience\": { \"attr\": \"segments\", \"contains\": \"vip\" },", StringComparison.Ordinal);
        await _host.PublishAsync(journey, """{ "id": "card", "postcard": { "fields": { "greeting": "Hi" } } }""");

        var response = await _host.Admin.DeleteAsync("/api/segments/vip");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Theory]
    [InlineData("{ \"segment\": \"vip\" }")]
    [InlineData("{ \"segment\": \"vip\", \"on\": \"left\" }")]
    public async Task DeleteSegment_AJourneyStartsOnIt_Returns409AndKeepsIt(string trigger)
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.Admin.PutAsync("/api/segments/vip", TestHost.Json(
            """{ "id": "vip", "name": "VIP", "when": { "attr": "profile.plan", "eq": "vip" } }"""))).StatusCode);
        var journey = CardJourney.Replace("{ \"event\": \"purchase\" }", trigger, StringComparison.Ordinal);
        await _host.PublishAsync(journey, """{ "id": "card", "postcard": { "fields": { "greeting": "Hi" } } }""");

        var response = await _host.Admin.DeleteAsync("/api/segments/vip");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("'card'", (await TestHost.ReadAsync(response))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _host.Admin.GetAsync("/api/segments/vip")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _host.Admin.PostAsync("/api/journeys/card/archive", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Admin.DeleteAsync("/api/segments/vip")).StatusCode);
    }
}
