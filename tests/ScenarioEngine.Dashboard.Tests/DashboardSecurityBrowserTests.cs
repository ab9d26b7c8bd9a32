using ScenarioEngine.Host.Hosting;
using Xunit.Abstractions;

namespace ScenarioEngine.Dashboard.Tests;

[Collection(BrowserCollection.Name)]
public sealed class DashboardSecurityBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/journeys/post-purchase-cross-sell")]
    public async Task Dashboard_EveryPage_CarriesAPolicyWithoutInlineScript(string path)
    {
        await using var s = await DashboardSession.StartAsync(browser, output, samples: false);

        var response = await s.Page.GotoAsync(path);

        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        var headers = await response.AllHeadersAsync();
        var csp = headers["content-security-policy"];
        Assert.Equal(DashboardFiles.ContentSecurityPolicy, csp);
        var scriptSrc = csp.Split(';').Select(p => p.Trim()).Single(p => p.StartsWith("script-src", StringComparison.Ordinal));
        Assert.Equal("script-src 'self'", scriptSrc);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("DENY", headers["x-frame-options"]);
        Assert.Equal("no-referrer", headers["referrer-policy"]);
        // The built page itself has no inline script: every script element has a src.
        Assert.Equal(0, await s.Page.Locator("script:not([src])").CountAsync());
        await DashboardSession.ExpectTextAsync(s.Page.Locator("h1"), "サインイン");
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task Dashboard_InlineScript_IsBlockedByThePolicy()
    {
        await using var s = await DashboardSession.StartAsync(browser, output, samples: false);
        await s.Page.GotoAsync("/");

        // A script element without src, as an injection would add: the policy must stop it.
        await s.Page.EvaluateAsync("() => { const e = document.createElement('script'); e.textContent = 'window.injected = 1'; document.body.appendChild(e); }");

        Assert.True(await s.Page.EvaluateAsync<bool>("() => window.injected === undefined"));
    }

    [Fact]
    public async Task Api_UnknownPath_IsNotAnsweredWithTheDashboard()
    {
        await using var s = await DashboardSession.StartAsync(browser, output, samples: false);

        var response = await s.Host.Anonymous.GetAsync("/api/no-such-thing");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("<div id=\"root\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
