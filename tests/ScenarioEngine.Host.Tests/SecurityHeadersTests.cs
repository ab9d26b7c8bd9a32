using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ScenarioEngine.Api.Security;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>Every answer of the standalone host carries the security headers, errors included; a page's own policy is kept.</summary>
public sealed class SecurityHeadersTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string PagePolicy = "default-src 'self'";
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(output, TestHost.Memory(), app =>
    {
        app.MapGet("/page", (HttpContext http) =>
        {
            http.Response.Headers.ContentSecurityPolicy = PagePolicy;
            return Results.Content("<html></html>", "text/html");
        });
        app.MapGet("/api/boom", IResult () => throw new InvalidOperationException("test failure"));
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, string, string, HttpStatusCode> Requests => new()
    {
        { "anonymous", "GET", "/api/health", HttpStatusCode.OK },
        { "admin", "GET", "/api/journeys", HttpStatusCode.OK },
        { "anonymous", "GET", "/api/journeys", HttpStatusCode.Unauthorized },
        { "events", "GET", "/api/journeys", HttpStatusCode.Forbidden },
        { "admin", "GET", "/api/no-such-endpoint", HttpStatusCode.NotFound },
        { "admin", "GET", "/api/messages/ghost", HttpStatusCode.NotFound },
        { "events", "POST", "/api/events", HttpStatusCode.BadRequest },
        { "admin", "GET", "/api/boom", HttpStatusCode.InternalServerError },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task AnyAnswer_CarriesEverySecurityHeader(string client, string method, string path, HttpStatusCode expected)
    {
        var http = client switch { "admin" => _host.Admin, "events" => _host.Events, _ => _host.Anonymous };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = TestHost.Json("{\"type\":");
        }

        var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(SecurityHeadersMiddleware.ApiContentSecurityPolicy, policy);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PageSettingItsOwnPolicy_KeepsItAndGetsTheOtherHeaders()
    {
        var response = await _host.Anonymous.GetAsync("/page");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PagePolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }
}
