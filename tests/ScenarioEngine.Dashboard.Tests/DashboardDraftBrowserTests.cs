using System.Text.Json.Nodes;
using Microsoft.Playwright;
using ScenarioEngine.Host.Tests;
using Xunit.Abstractions;

namespace ScenarioEngine.Dashboard.Tests;

[Collection(BrowserCollection.Name)]
public sealed class DashboardDraftBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string ValidDraft = """
        {
          "id": "dash-test",
          "name": "Dashboard test",
          "version": 1,
          "trigger": { "event": "purchase" },
          "start": "thanks",
          "steps": {
            "thanks": { "type": "send", "medium": "email", "message": "thank-you", "transactional": true, "next": "pause" },
            "pause": { "type": "wait", "for": "P1D", "next": "done" },
            "done": { "type": "exit" }
          }
        }
        """;

    [Fact]
    public async Task Draft_InvalidDuration_ShowsTheErrorAtItsPathAndLine()
    {
        await using var s = await DashboardSession.StartAsync(browser, output);
        await s.SignInAsync("/drafts/dash-test");
        var editor = s.Page.GetByTestId("json-editor");
        var invalid = ValidDraft.Replace("\"P1D\"", "\"three days\"", StringComparison.Ordinal);
        await editor.FillAsync(invalid);

        await s.Page.GetByTestId("validate").ClickAsync();

        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("errors"), @"\$\.steps\.pause\.for");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("errors"), "three days");
        var line = invalid.Split('\n').ToList().FindIndex(l => l.Contains("three days", StringComparison.Ordinal)) + 1;
        await Assertions.Expect(s.Page.GetByTestId($"error-line-{line}")).ToBeVisibleAsync();
        await s.ScreenshotAsync("draft-error");

        // Saving is refused with the same error: nothing stored.
        await s.Page.GetByTestId("save-draft").ClickAsync();
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("errors"), @"\$\.steps\.pause\.for");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await s.Host.Admin.GetAsync("/api/journeys/dash-test")).StatusCode);
    }

    [Fact]
    public async Task Editor_CtrlSpaceInAWaitStep_OffersThatStepsFieldsFromTheSchema()
    {
        await using var s = await DashboardSession.StartAsync(browser, output);
        await s.SignInAsync("/drafts/dash-test");
        var editor = s.Page.GetByTestId("json-editor");
        await editor.FillAsync(ValidDraft);
        // The cursor just after the wait step's opening brace.
        var at = ValidDraft.IndexOf("\"pause\": {", StringComparison.Ordinal) + "\"pause\": {".Length;
        await editor.EvaluateAsync($"(e) => {{ e.focus(); e.setSelectionRange({at}, {at}); }}");

        await editor.PressAsync("Control+Space");

        var suggestions = s.Page.GetByTestId("suggestions");
        await DashboardSession.ExpectTextAsync(suggestions, "atLocalTime");
        await DashboardSession.ExpectTextAsync(suggestions, "until");
        await Assertions.Expect(s.Page.GetByTestId("suggest-medium")).ToHaveCountAsync(0);
        await s.Page.GetByTestId("suggest-atLocalTime").ClickAsync();
        Assert.Contains("\"pause\": {\"atLocalTime\": ", await editor.InputValueAsync(), StringComparison.Ordinal);

        // A value: the media a send step allows.
        await editor.FillAsync(ValidDraft.Replace("\"medium\": \"email\"", "\"medium\": ", StringComparison.Ordinal));
        var value = (await editor.InputValueAsync()).IndexOf("\"medium\": ", StringComparison.Ordinal) + "\"medium\": ".Length;
        await editor.EvaluateAsync($"(e) => {{ e.focus(); e.setSelectionRange({value}, {value}); }}");
        await editor.PressAsync("Control+Space");
        await DashboardSession.ExpectTextAsync(suggestions, "\"postcard\"");
        await DashboardSession.ExpectTextAsync(suggestions, "\"line\"");
    }

    [Fact]
    public async Task Draft_PublishThenPause_ChangesTheJourneyState()
    {
        await using var s = await DashboardSession.StartAsync(browser, output);
        await s.SignInAsync("/drafts/dash-test");
        await s.Page.GetByTestId("json-editor").FillAsync(ValidDraft);

        await s.Page.GetByTestId("publish").ClickAsync();

        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("notice"), "公開しました: v1 \\(active\\)");
        var journey = await TestHost.ReadAsync(await s.Host.Admin.GetAsync("/api/journeys/dash-test"));
        Assert.Equal("P1D", journey["latest"]!["steps"]!["pause"]!["for"]!.GetValue<string>());

        await s.Page.GetByTestId("pause").ClickAsync();
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("notice"), "dash-test: paused");
        await s.Page.GetByTestId("resume").ClickAsync();
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("notice"), "dash-test: active");
        await s.Page.GetByTestId("archive").ClickAsync();
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("notice"), "dash-test: archived");

        await s.Page.GotoAsync("/");
        await s.Page.GetByTestId("journey-state").SelectOptionAsync("archived");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("journey-dash-test"), "archived");
    }

    [Fact]
    public async Task Publish_ForecastAboveThreshold_ShowsTheCountAndPublishesOnlyOnceConfirmed()
    {
        await using var s = await DashboardSession.StartAsync(browser, output, extra: new Dictionary<string, string?> { ["Publishing:ConfirmAbove"] = "1" });
        var events = new[] { "b1", "b2" }.SelectMany(c => new[] { TestDocuments.Identify(c, "i-" + c), TestDocuments.Purchase(c, "p-" + c) });
        await s.Host.PostEventsAsync("[" + string.Join(",", events) + "]");
        await TestHost.WaitUntilAsync(async () =>
            (await TestHost.ReadAsync(await s.Host.Admin.GetAsync("/api/system/metrics")))["engine"]!["eventsApplied"]!.GetValue<long>() >= 4,
            TimeSpan.FromSeconds(15), "the events to be applied");
        await s.SignInAsync("/drafts/dash-test");
        await s.Page.GetByTestId("json-editor").FillAsync(ValidDraft);

        await s.Page.GetByTestId("publish").ClickAsync();

        // The two buyers of the last minutes, replayed a day later, would each get the thank-you: above the threshold of 1.
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("preview-customers"), "^.*2$");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("preview-email"), "^.*2$");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("confirm-publish-box"), "2 人の顧客にメッセージが送信されます");
        Assert.Empty((await TestHost.ReadAsync(await s.Host.Admin.GetAsync("/api/journeys/dash-test")))["versions"]!.AsArray());
        await s.ScreenshotAsync("publish-confirm");

        await s.Page.GetByTestId("lang").ClickAsync();
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("confirm-publish-box"), "Publishing will message 2 customers in the next 24 hours");
        await s.Page.GetByTestId("cancel-publish").ClickAsync();
        await Assertions.Expect(s.Page.GetByTestId("confirm-publish-box")).ToHaveCountAsync(0);
        Assert.Empty((await TestHost.ReadAsync(await s.Host.Admin.GetAsync("/api/journeys/dash-test")))["versions"]!.AsArray());

        await s.Page.GetByTestId("publish").ClickAsync();
        await s.Page.GetByTestId("confirm-publish").ClickAsync();

        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("notice"), "Published: v1 \\(active\\) · 2 customers to be messaged in the next 24 hours");
        Assert.Single((await TestHost.ReadAsync(await s.Host.Admin.GetAsync("/api/journeys/dash-test")))["versions"]!.AsArray());
    }

    [Fact]
    public async Task Simulate_EventFile_DrawsThePredictedCountsOnTheCanvas()
    {
        await using var s = await DashboardSession.StartAsync(browser, output);
        var file = Path.Combine(DashboardSession.RepositoryRoot, "samples", "events", "post-purchase-cross-sell.jsonl");
        var events = new JsonArray(File.ReadAllLines(file).Where(l => l.Trim().Length > 0).Select(l => JsonNode.Parse(l)).ToArray());
        var journey = JsonNode.Parse(File.ReadAllText(Path.Combine(DashboardSession.RepositoryRoot, "samples", "journeys", "post-purchase-cross-sell.json")));
        var expected = await TestHost.ReadAsync(await s.Host.Admin.PostAsync("/api/journeys/post-purchase-cross-sell/simulate",
            TestHost.Json(new JsonObject { ["journey"] = journey, ["events"] = events, ["runFor"] = "P60D" }.ToJsonString())));
        var entered = expected["stats"]!["entered"]!.GetValue<int>();
        var sent = expected["sends"]!.AsArray().Count;
        Assert.True(entered > 0 && sent > 0, expected.ToJsonString());
        await s.SignInAsync("/drafts/post-purchase-cross-sell");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("json-editor"), "post-purchase-cross-sell");

        await s.Page.GetByTestId("simulate-file").SetInputFilesAsync(file);

        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("sim-entered"), $"{entered}$");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("sim-sent"), $"{sent}$");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("count-(trigger)-entered"), $"{entered}$");
        await Assertions.Expect(s.Page.GetByTestId("node-thanks")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("predicted"));
        await s.ScreenshotAsync("simulation");
    }

    [Fact]
    public async Task Simulate_CdnowFile_BecomesPurchasesInYenWithConsent()
    {
        await using var s = await DashboardSession.StartAsync(browser, output);
        // The CDNOW layout (customer id, date, quantity, dollars): two customers, three purchases of 40 to 60 dollars (6,000 to 9,000 yen).
        var file = Path.Combine(Path.GetTempPath(), $"cdnow-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, " 00001 19970101  2   40.00\r\n 00001 19970301  1   60.00\r\n 00002 19970105  3   45.50\r\n");
        try
        {
            await s.SignInAsync("/drafts/post-purchase-cross-sell");
            await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("json-editor"), "post-purchase-cross-sell");

            await s.Page.GetByTestId("simulate-file").SetInputFilesAsync(file);

            // Two identify events giving consent and three purchases of 5,000 yen or more: both customers enter and get the thank-you.
            await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("simulation"), "5 events / 2");
            await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("count-thanks-entered"), "[1-9]");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
