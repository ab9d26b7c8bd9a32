using System.Net;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>The publish preview endpoint and the confirmation publishing needs above Publishing:ConfirmAbove, on the in-memory store.</summary>
public sealed class PublishPreviewTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        var settings = TestHost.Memory();
        settings["Publishing:ConfirmAbove"] = "2";
        _host = await TestHost.StartAsync(output, settings);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Customers who bought in the last minutes (seeded through the events endpoint), then the one-shot journey saved as a draft.</summary>
    private async Task SeedBuyersAndDraftAsync(params string[] customers)
    {
        var events = customers.SelectMany(c => new[] { TestDocuments.Identify(c, "i-" + c), TestDocuments.Purchase(c, "p-" + c, "o-" + c) });
        await _host.PostEventsAsync("[" + string.Join(",", events) + "]");
        await TestHost.WaitUntilAsync(async () =>
            (await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/system/metrics")))["engine"]!["eventsApplied"]!.GetValue<long>() >= customers.Length * 2,
            TimeSpan.FromSeconds(15), "the events to be applied");
        var put = await _host.Admin.PutAsync("/api/messages/e2e-thanks", TestHost.Json(TestDocuments.ThanksMessage));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var draft = await _host.Admin.PutAsync("/api/journeys/one-shot/draft", TestHost.Json(TestDocuments.OneShotJourney));
        Assert.True(draft.IsSuccessStatusCode, await draft.Content.ReadAsStringAsync());
    }

    private async Task<JsonNode> VersionsAsync() => (await TestHost.ReadAsync(await _host.Admin.GetAsync("/api/journeys/one-shot")))["versions"]!;

    [Fact]
    public async Task PublishPreview_BuyersOfLastDay_CountsCustomersMessagesAndBasis()
    {
        await SeedBuyersAndDraftAsync("a", "b", "c");

        var response = await _host.Admin.PostAsync("/api/journeys/one-shot/publish-preview", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var preview = await TestHost.ReadAsync(response);
        Assert.Equal(3, preview["customers"]!.GetValue<int>());
        Assert.Equal(3, preview["entered"]!.GetValue<int>());
        Assert.Equal(3, preview["messagesByMedium"]!["email"]!.GetValue<int>());
        Assert.Equal(3, preview["steps"]![0]!["messages"]!.GetValue<int>());
        Assert.Equal("thanks", preview["steps"]![0]!["stepId"]!.GetValue<string>());
        Assert.Equal(1, preview["version"]!.GetValue<int>());
        Assert.Equal("event", preview["basis"]!["trigger"]!.GetValue<string>());
        Assert.True(preview["basis"]!["estimate"]!.GetValue<bool>());
        Assert.True(preview["confirmationRequired"]!.GetValue<bool>());
        Assert.Equal(2, preview["confirmAbove"]!.GetValue<int>());
        var asOf = preview["asOf"]!.GetValue<DateTimeOffset>();
        Assert.Equal(TimeSpan.FromHours(24), preview["until"]!.GetValue<DateTimeOffset>() - asOf);
        Assert.Empty(_host.Recorded("email").Sent); // a forecast sends nothing
    }

    [Fact]
    public async Task Publish_AboveThresholdWithoutConfirm_Returns409WithPreviewAndPublishesNothing()
    {
        await SeedBuyersAndDraftAsync("a", "b", "c");

        var response = await _host.Admin.PostAsync("/api/journeys/one-shot/publish", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await TestHost.ReadAsync(response);
        Assert.Equal(3, problem["confirm"]!.GetValue<int>());
        Assert.Equal(3, problem["preview"]!["customers"]!.GetValue<int>());
        Assert.Contains("?confirm=3", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await VersionsAsync()).AsArray());
    }

    [Fact]
    public async Task Publish_StaleConfirmBelowForecast_Returns409AgainWithNewCount()
    {
        await SeedBuyersAndDraftAsync("a", "b", "c");

        var response = await _host.Admin.PostAsync("/api/journeys/one-shot/publish?confirm=2", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await TestHost.ReadAsync(response);
        Assert.Contains("more than the 2 confirmed", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, problem["confirm"]!.GetValue<int>());
        Assert.Empty((await VersionsAsync()).AsArray());
    }

    [Fact]
    public async Task Publish_ConfirmEchoingForecast_Publishes()
    {
        await SeedBuyersAndDraftAsync("a", "b", "c");

        var response = await _host.Admin.PostAsync("/api/journeys/one-shot/publish?confirm=3", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, (await TestHost.ReadAsync(response))["version"]!.GetValue<int>());
        Assert.Single((await VersionsAsync()).AsArray());
    }

    [Fact]
    public async Task Publish_AtOrBelowThreshold_PublishesWithoutConfirm()
    {
        await SeedBuyersAndDraftAsync("a", "b");

        var response = await _host.Admin.PostAsync("/api/journeys/one-shot/publish", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Publish_ConfirmNotANumber_Returns400NamingConfirm()
    {
        await SeedBuyersAndDraftAsync("a");

        var response = await _host.Admin.PostAsync("/api/journeys/one-shot/publish?confirm=yes", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await TestHost.ReadAsync(response))["errors"]![0]!;
        Assert.Equal("confirm", error["path"]!.GetValue<string>());
        Assert.Contains("number of customers", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", 1, HttpStatusCode.Conflict)]    // 0: always confirm, even one customer
    [InlineData("-1", 3, HttpStatusCode.Created)]    // -1: never
    public async Task Publish_ConfirmAboveZeroOrMinusOne_AsksAlwaysOrNever(string confirmAbove, int buyers, HttpStatusCode expected)
    {
        await _host.DisposeAsync();
        var settings = TestHost.Memory();
        settings["Publishing:ConfirmAbove"] = confirmAbove;
        _host = await TestHost.StartAsync(output, settings);
        await SeedBuyersAndDraftAsync(Enumerable.Range(1, buyers).Select(i => "b" + i).ToArray());

        var response = await _host.Admin.PostAsync("/api/journeys/one-shot/publish", null);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task PublishPreview_NoDraft_Returns404()
    {
        var response = await _host.Admin.PostAsync("/api/journeys/ghost/publish-preview", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task PublishPreview_EventsKey_Returns403()
    {
        var response = await _host.Events.PostAsync("/api/journeys/one-shot/publish-preview", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
