using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>Samples:Load stores samples/segments/*.json as PUT /api/segments/{id} does, on the in-memory store.</summary>
public sealed class SampleSegmentsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SamplesLoad_ListsTheSampleSegments()
    {
        var settings = TestHost.Memory();
        settings["Samples:Load"] = "true";
        settings["Samples:Path"] = Path.Combine(AzuriteFixture.FindRepositoryRoot(), "samples");
        await using var host = await TestHost.StartAsync(output, settings);

        var response = await host.Admin.GetAsync("/api/segments");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = (await TestHost.ReadAsync(response)).AsArray();
        var ids = list.Select(s => s!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("lapsing", ids);
        Assert.Contains("tea-lovers", ids);
        Assert.Equal("Tea lovers", list.Single(s => s!["id"]!.GetValue<string>() == "tea-lovers")!["name"]!.GetValue<string>());

        // Loaded into the catalog too, like a PUT.
        var catalog = host.Services.GetRequiredService<JourneyEngine>().Catalog;
        Assert.NotNull(catalog.FindSegment("lapsing"));
        Assert.NotNull(catalog.FindSegment("tea-lovers"));
    }
}
