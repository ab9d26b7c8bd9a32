using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScenarioEngine.Host.Tests;
using Xunit.Abstractions;

namespace ScenarioEngine.Dashboard.Tests;

/// <summary>One test's host (in-memory storage, the sample journeys and messages published) and a fresh browser page on it.</summary>
public sealed class DashboardSession : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;

    private DashboardSession(TestHost host, IBrowserContext context, IPage page, ITestOutputHelper output)
    {
        Host = host;
        Context = context;
        Page = page;
        _output = output;
    }

    public TestHost Host { get; }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Every URL the page requested, to check that no key ever travels in one.</summary>
    public List<string> RequestedUrls { get; } = [];

    /// <summary>Console errors and CSP violations the page reported.</summary>
    public List<string> ConsoleErrors { get; } = [];

    public static string RepositoryRoot { get; } = FindRoot();

    public static async Task<DashboardSession> StartAsync(BrowserFixture browser, ITestOutputHelper output, bool samples = true, IDictionary<string, string?>? extra = null)
    {
        var settings = TestHost.Memory();
        settings["Samples:Load"] = samples ? "true" : "false";
        settings["Samples:Path"] = Path.Combine(RepositoryRoot, "samples");
        settings["Engine:DefaultTimeZone"] = "Asia/Tokyo";
        // The counts job aggregates the canvas counts: often, so a test sees its events counted within a second.
        settings["Engine:CountsInterval"] = "00:00:00.300";
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        var host = await TestHost.StartAsync(output, settings);
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1400, Height = 1100 },
            Locale = "ja-JP",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var session = new DashboardSession(host, context, page, output);
        page.Request += (_, r) => session.RequestedUrls.Add(r.Url);
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                session.ConsoleErrors.Add(m.Text);
                output.WriteLine("browser console error: " + m.Text);
            }
        };
        return session;
    }

    /// <summary>Opens the dashboard and signs in with the admin key.</summary>
    public async Task SignInAsync(string path = "/")
    {
        await Page.GotoAsync(path);
        await Page.GetByTestId("api-key").FillAsync(TestHost.AdminKey);
        await Page.GetByTestId("sign-in").ClickAsync();
        await Page.GetByTestId("zone").WaitForAsync();
    }

    /// <summary>Saves a screenshot under the test's output folder and, with UPDATE_SCREENSHOTS=1, into docs/screenshots/.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var local = Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = local, FullPage = true });
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1")
        {
            var docs = Path.Combine(RepositoryRoot, "docs", "screenshots", name + ".png");
            Directory.CreateDirectory(Path.GetDirectoryName(docs)!);
            File.Copy(local, docs, overwrite: true);
            _output.WriteLine("screenshot written to " + docs);
        }
    }

    /// <summary>Waits until a locator's text matches.</summary>
    public static Task ExpectTextAsync(ILocator locator, string pattern) =>
        Assertions.Expect(locator).ToContainTextAsync(new Regex(pattern), new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        await Host.DisposeAsync();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ScenarioEngine.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ScenarioEngine.sln not found above " + AppContext.BaseDirectory);
    }
}
