using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using ScenarioEngine.Host.Tests;
using Xunit.Abstractions;

namespace ScenarioEngine.Dashboard.Tests;

[Collection(BrowserCollection.Name)]
public sealed class DashboardAuditBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string EditorKey = "test-editor-key-0123456789";
    private const string OpsKey = "test-ops-key-0123456789";

    /// <summary>Messages saved before the journey's changes, so the log holds one row more than the screen's page of 20.</summary>
    private const int Notes = 16;

    private static Dictionary<string, string?> NamedKeys() => new()
    {
        ["ApiKeys:Keys:editor:Key"] = EditorKey,
        ["ApiKeys:Keys:editor:Scopes"] = "read, write",
        ["ApiKeys:Keys:ops:Key"] = OpsKey,
        ["ApiKeys:Keys:ops:Scopes"] = "publish",
    };

    [Fact]
    public async Task Audit_ChangesByNamedKeys_ListedNewestFirstWithMoreAndNarrowedByFilters()
    {
        await using var s = await DashboardSession.StartAsync(browser, output, samples: false, extra: NamedKeys());
        await MakeChangesAsync(s.Host);
        await s.SignInAsync("/");

        await s.Page.GetByTestId("nav-audit").ClickAsync();

        var rows = s.Page.GetByTestId("audit-row");
        await Assertions.Expect(rows).ToHaveCountAsync(20);
        Assert.Equal(
            [
                "ops journey.published e2e-follow-up v1", "editor journey.draftSaved e2e-follow-up —",
                "editor message.saved e2e-reviewed —", "editor message.saved e2e-follow —", "editor message.saved e2e-thanks —",
                "editor message.saved note-16 —",
            ],
            (await RowsAsync(rows)).Take(6));
        // Times are shown in the shop's zone (Asia/Tokyo).
        await DashboardSession.ExpectTextAsync(rows.First, "JST");
        await s.ScreenshotAsync("audit");

        await s.Page.GetByTestId("audit-more").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(Notes + 5);
        Assert.Equal("editor message.saved note-01 —", (await RowsAsync(rows))[^1]);
        await Assertions.Expect(s.Page.GetByTestId("audit-more")).ToHaveCountAsync(0);

        await s.Page.GetByTestId("audit-key").FillAsync("ops");
        await s.Page.GetByTestId("audit-apply").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows).ToContainTextAsync(["journey.published"]);
        Assert.Equal(["ops journey.published e2e-follow-up v1"], await RowsAsync(rows));

        await s.Page.GetByTestId("audit-key").FillAsync("");
        await s.Page.GetByTestId("audit-kind").SelectOptionAsync("message.saved");
        await s.Page.GetByTestId("audit-target").FillAsync("e2e-thanks");
        await s.Page.GetByTestId("audit-apply").ClickAsync();
        // The ops filter also left one row: wait for the new row rather than reading the old one while it is replaced.
        await Assertions.Expect(rows).ToContainTextAsync(["e2e-thanks"]);
        Assert.Equal(["editor message.saved e2e-thanks —"], await RowsAsync(rows));
    }

    [Fact]
    public async Task Audit_TimeRange_IsReadInTheShopsZone()
    {
        await using var s = await DashboardSession.StartAsync(browser, output, samples: false, extra: NamedKeys());
        await MakeChangesAsync(s.Host);
        var tokyo = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        await s.SignInAsync("/audit");
        var rows = s.Page.GetByTestId("audit-row");
        await Assertions.Expect(rows).ToHaveCountAsync(20);

        // Up to an hour before now in Tokyo: nothing (read as UTC, the same wall time would be nine hours later and hold every change).
        await s.Page.GetByTestId("audit-to").FillAsync(tokyo.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await s.Page.GetByTestId("audit-apply").ClickAsync();
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("audit"), "変更の記録はありません");

        // From an hour before now in Tokyo: every change.
        await s.Page.GetByTestId("audit-to").FillAsync("");
        await s.Page.GetByTestId("audit-from").FillAsync(tokyo.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await s.Page.GetByTestId("audit-apply").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(20);

        await s.Page.GetByTestId("lang").ClickAsync();
        await DashboardSession.ExpectTextAsync(s.Page.Locator("h1"), "Audit log");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("audit").Locator("thead"), "Key name");
    }

    /// <summary>The editor saves notes and the follow-up messages and draft; ops publishes it.</summary>
    private static async Task MakeChangesAsync(TestHost host)
    {
        using var editor = host.ClientWithKey(EditorKey);
        using var ops = host.ClientWithKey(OpsKey);
        for (var i = 1; i <= Notes; i++)
        {
            var id = $"note-{i:00}";
            Assert.Equal(HttpStatusCode.OK, (await editor.PutAsync($"/api/messages/{id}", TestHost.Json($$"""{ "id": "{{id}}", "email": { "subject": "Hi", "text": "Hi" } }"""))).StatusCode);
        }

        foreach (var m in TestDocuments.FollowUpMessages)
        {
            Assert.Equal(HttpStatusCode.OK, (await editor.PutAsync($"/api/messages/{JsonNode.Parse(m)!["id"]}", TestHost.Json(m))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await editor.PutAsync("/api/journeys/e2e-follow-up/draft", TestHost.Json(TestDocuments.FollowUpJourney))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsync("/api/journeys/e2e-follow-up/publish", null)).StatusCode);
    }

    /// <summary>Each row as the user reads it: key, kind, target, version (the time left out).</summary>
    private static async Task<List<string>> RowsAsync(ILocator rows)
    {
        var result = new List<string>();
        foreach (var row in await rows.AllAsync())
        {
            var cells = await row.Locator("td").AllInnerTextsAsync();
            result.Add(string.Join(' ', cells.Skip(1).Select(c => c.Trim())));
        }

        return result;
    }
}
