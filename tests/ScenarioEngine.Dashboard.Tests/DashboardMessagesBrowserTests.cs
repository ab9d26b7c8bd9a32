using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ScenarioEngine.Dashboard.Tests;

[Collection(BrowserCollection.Name)]
public sealed class DashboardMessagesBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Preview_CrossSellForACustomer_ShowsTheEmailInASandboxedFrameAndTheLineBubble()
    {
        await using var s = await DashboardSession.StartAsync(browser, output);
        await DashboardCanvasBrowserTests.BuyAsync(s.Host, "c1");
        await s.SignInAsync("/messages");

        await s.Page.GetByTestId("message-select").SelectOptionAsync("cross-sell");
        await s.Page.GetByTestId("preview-customer").FillAsync("c1");
        await s.Page.GetByTestId("preview").ClickAsync();

        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("email-subject"), "舞c1 様、お茶がもっとおいしくなる器はいかがですか");
        var frame = s.Page.GetByTestId("email-frame");
        Assert.Equal("", await frame.GetAttributeAsync("sandbox"));
        await DashboardSession.ExpectTextAsync(s.Page.FrameLocator("[data-testid=email-frame]").Locator("body"), "常滑焼の急須");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("line-bubble"), "舞c1様、先日はやまぶき堂でのお買い物");
        await s.ScreenshotAsync("message-preview");
    }

    [Fact]
    public async Task Preview_Postcard_ShowsItsFields()
    {
        await using var s = await DashboardSession.StartAsync(browser, output);
        await s.SignInAsync("/messages");

        await s.Page.GetByTestId("message-select").SelectOptionAsync("vip-card");
        await s.Page.GetByTestId("preview").ClickAsync();

        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("fields-postcard"), "coupon");
        await DashboardSession.ExpectTextAsync(s.Page.GetByTestId("fields-postcard"), "THANKS15");
    }

    [Fact]
    public async Task Preview_EmailWithScript_CannotRunItInTheFrame()
    {
        await using var s = await DashboardSession.StartAsync(browser, output);
        var put = await s.Host.Admin.PutAsync("/api/messages/scripted", Host.Tests.TestHost.Json("""
            {"id":"scripted","name":"Scripted","email":{"subject":"Hello","html":"<html><body><p id='p'>static text</p><script>document.getElementById('p').textContent='script ran'; parent.document.title='pwned';</script></body></html>","text":"Hello"}}
            """));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        await s.SignInAsync("/messages");

        await s.Page.GetByTestId("message-select").SelectOptionAsync("scripted");
        await s.Page.GetByTestId("preview").ClickAsync();

        var body = s.Page.FrameLocator("[data-testid=email-frame]").Locator("#p");
        await Assertions.Expect(body).ToHaveTextAsync("static text");
        Assert.NotEqual("pwned", await s.Page.TitleAsync());
    }
}
