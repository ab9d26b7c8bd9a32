using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ScenarioEngine.Host.Tests;

/// <summary>A provider API on loopback (Kestrel): records each request and answers from a handler.</summary>
public sealed class FakeProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ProviderRequest> _requests = new();

    private FakeProvider(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Func<ProviderRequest, (int Status, string Body, Dictionary<string, string>? Headers)> Reply { get; set; } = _ => (200, "{}", null);

    public IReadOnlyList<ProviderRequest> Requests => _requests.ToArray();

    public static async Task<FakeProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeProvider? self = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var request = new ProviderRequest(context.Request.Path, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                await reader.ReadToEndAsync());
            self!._requests.Enqueue(request);
            var (status, body, headers) = self.Reply(request);
            context.Response.StatusCode = status;
            foreach (var (k, v) in headers ?? [])
            {
                context.Response.Headers[k] = v;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeProvider(app, new Uri(address + "/"));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
