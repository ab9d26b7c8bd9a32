using Microsoft.Playwright;
using ScenarioEngine.Host.Tests;
using Xunit.Abstractions;

namespace ScenarioEngine.Dashboard.Tests;

[Collection(BrowserCollection.Name)]
public sealed class DashboardSignInBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task SignIn_WrongKey_IsRefusedWithAClearMessage()
    {
        await using var s = await DashboardSession.StartAsync(browser, output, samples: false);
        await s.Page.GotoAsync("/");

        await s.Page.GetByTestId("api-key").FillAsync("not-a-key");
        await s.Page.GetByTestId("sign-in").ClickAsync();

        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("sign-in-error"), "この API キーは受け付けられませんでした");
        Assert.Null(await s.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('scenarioEngine.apiKey')"));
        await s.ScreenshotAsync("sign-in-refused");
    }

    [Fact]
    public async Task SignIn_EventsKey_IsRefusedAsTheWrongScope()
    {
        await using var s = await DashboardSession.StartAsync(browser, output, samples: false);
        await s.Page.GotoAsync("/");

        await s.Page.GetByTestId("api-key").FillAsync(TestHost.EventsKey);
        await s.Page.GetByTestId("sign-in").ClickAsync();

        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("sign-in-error"), "イベント送信用");
    }

    [Fact]
    public async Task SignIn_AdminKey_ShowsTheJourneysWithTheKeyInAHeaderOnly()
    {
        await using var s = await DashboardSession.StartAsync(browser, output);
        var keyHeaders = new List<string>();
        s.Page.Request += (_, r) =>
        {
            if (r.Url.Contains("/api/journeys", StringComparison.Ordinal) && r.Headers.TryGetValue("x-api-key", out var k))
            {
                keyHeaders.Add(k);
            }
        };

        await s.SignInAsync();

        var rows = s.Page.GetByTestId("journeys");
        await DashboardSession.ExpectTextAsync(rows, "post-purchase-cross-sell");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("journey-welcome-series"), "active");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("journey-welcome-series"), "v1");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("zone"), "Asia/Tokyo");
        Assert.Contains(TestHost.AdminKey, keyHeaders);
        Assert.DoesNotContain(s.RequestedUrls, u => u.Contains(TestHost.AdminKey, StringComparison.Ordinal));
        Assert.Equal(TestHost.AdminKey, await s.Page.EvaluateAsync<string>("() => sessionStorage.getItem('scenarioEngine.apiKey')"));
        await s.ScreenshotAsync("journeys");
    }

    [Fact]
    public async Task JourneyList_SearchAndStateFilter_NarrowTheRows()
    {
        await using var s = await DashboardSession.StartAsync(browser, output);
        await s.SignInAsync();
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("journeys"), "win-back");

        await s.Page.GetByTestId("journey-search").FillAsync("cart");

        await Assertions.Expect(s.Page.Locator("[data-testid^='journey-'][data-testid$='abandonment']")).ToHaveCountAsync(1);
        await Assertions.Expect(s.Page.GetByTestId("journey-win-back")).ToHaveCountAsync(0);

        await s.Page.GetByTestId("journey-search").FillAsync("");
        await s.Page.GetByTestId("journey-state").SelectOptionAsync("paused");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("journeys"), "ジャーニーがありません");
    }

    [Fact]
    public async Task Language_Switch_ShowsEnglish()
    {
        await using var s = await DashboardSession.StartAsync(browser, output, samples: false);
        await s.Page.GotoAsync("/");
        await DashboardSession.ExpectTextAsync(s.Page.Locator("h1"), "サインイン");

        await s.Page.GetByTestId("lang").ClickAsync();

        await DashboardSession.ExpectTextAsync(s.Page.Locator("h1"), "Sign in");
    }
}
